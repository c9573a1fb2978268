export * from './errors.js';
export * from './slatedb.js';
export { WriteBatch, MAX_KEY_BYTES } from './write-batch.js';
export { initEngine, type CompiledWasmModule, type EngineSource } from './engine-source.js';
