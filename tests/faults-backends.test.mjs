// Fault injection on the RocksDB and memory backends (tests/conformance/fault-suite.mjs): each kind
// of RocksDB file (CURRENT, MANIFEST, SST, WAL, OPTIONS, LOCK) corrupted, truncated and deleted,
// through the state layer with and without a changelog; the memory backend closed during use, used
// after close, and a flush that fails.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { memoryFaultSuite, rocksdbFaultSuite } from './conformance/fault-suite.mjs';

const rocksdb = suite('faults on the RocksDB backend');
rocksdbFaultSuite(rocksdb, assert, async () => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'streamstate-rocksdb-faults-'));
  return { stateDir, cleanup: () => rm(stateDir, { recursive: true, force: true }) };
});
rocksdb.run();

const memory = suite('faults on the memory backend');
memoryFaultSuite(memory, assert);
memory.run();
