// Child process for the state layer's cross-process lock test: opens partition 0 of store
// "default" on stream "topic" under the state directory argv[2] through StateStoreManager
// (RocksDB), writes one value, prints "open", and holds the partition until stdin closes.
// Does nothing when imported (a test runner matching "state" may load it).
import { fileURLToPath } from 'node:url';
import { holdPartition } from './holding-child.mjs';

if (process.argv[1] === fileURLToPath(import.meta.url)) await holdPartition({ stateDir: process.argv[2], backend: 'rocksdb' });
