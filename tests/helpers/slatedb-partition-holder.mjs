// Child process for the SlateDB cross-process tests: opens partition 0 of store "default" on
// stream "topic" under the state directory argv[2] (group "group") through StateStoreManager on
// the SlateDB backend, with the lease time to live argv[3] (ms), writes one value, prints "open",
// and holds the partition until stdin closes (then closes it cleanly) or it is killed.
// Does nothing when imported (a test runner matching "slatedb" may load it).
import { fileURLToPath } from 'node:url';
import { holdPartition } from './holding-child.mjs';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await holdPartition({
    stateDir: process.argv[2],
    backend: 'slatedb',
    slatedbOptions: { lockTtlMs: Number(process.argv[3]), settings: { flushInterval: 10 } },
  });
}
