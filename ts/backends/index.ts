export * from './backend.js';
export * from './errors.js';
export * from './memory/index.js';
export * from './rocksdb/index.js';
export * from './slatedb/index.js';
