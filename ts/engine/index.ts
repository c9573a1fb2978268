export { SlateDbError, toSlateDbError } from './errors.js';
export type { SlateDbErrorCode } from './errors.js';
export { SlateDb } from './slatedb.js';
export type { ManifestSummary, ScanOptions, SlateDbOpenOptions, SlateDbSettings, WriteOptions } from './slatedb.js';
export { WriteBatch, MAX_KEY_BYTES } from './write-batch.js';
export { initEngine, type CompiledWasmModule, type EngineSource } from './engine-source.js';
