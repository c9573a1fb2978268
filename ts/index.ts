/**
 * streamstate: state storage for stream processing.
 *
 * - Engine: {@link SlateDb}, SlateDB compiled to WebAssembly, storing its data through an
 *   {@link ObjectStore} ({@link MemoryObjectStore}, {@link LocalFileObjectStore}, {@link S3ObjectStore}).
 * - Backends: memory, RocksDB (native addon, Node), SlateDB; one {@link Backend} contract.
 * - State: Quix Streams' state model: {@link StateStoreManager}, stores, partitions, transactions,
 *   windowed and timestamped state.
 *
 * Import from `streamstate`; the runtime-specific entry point (Node, Deno, Bun, workerd) is chosen by
 * `package.json` `exports` conditions and only tells the engine how to load its `.wasm`.
 *
 * @module
 */
export * from './errors.js';
export * from './object-stores/index.js';
export * from './engine/index.js';
export * from './backends/index.js';
export * from './state/index.js';
export * from './kafka/index.js';
export * from './app/index.js';
