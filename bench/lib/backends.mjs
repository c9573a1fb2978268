// The backends the state-level workloads run on. Each entry makes a fresh environment per
// workload: `managerOptions()` gives the options of a new StateStoreManager over the SAME storage
// each time it is called (so closing a manager and making another one is a reopen), and `cleanup()`
// removes the storage.
import { MemoryBackend, MemoryObjectStore, rocksDbAvailable } from 'streamstate';
import { tempDir } from './common.mjs';
import { NativeSlateDbBackend } from './native-backend.mjs';

/**
 * @param native - the result of `loadNativeSlateDb()`
 * @returns backend entries `{ id, label, note, skip?, setup() }`; RocksDB first (the reference)
 */
export async function benchBackends(native) {
  const rocksdb = await rocksDbAvailable();
  return [
    {
      id: 'rocksdb',
      label: 'RocksDB',
      note: 'native addon, defaults (no WAL sync per write)',
      ...(rocksdb ? {} : { skip: 'the @nxtedition/rocksdb addon does not load here' }),
      setup: async () => {
        const tmp = await tempDir('rocksdb');
        return { managerOptions: () => ({ stateDir: tmp.dir, groupId: 'bench', backend: 'rocksdb' }), cleanup: tmp.cleanup };
      },
    },
    {
      id: 'slatedb-file',
      label: 'SlateDB file',
      note: 'wasm, LocalFileObjectStore in the state dir (fsync on), defaults: awaitDurable true (a flush resolves once its WAL object is written)',
      setup: async () => {
        const tmp = await tempDir('slatedb-file');
        return { managerOptions: () => ({ stateDir: tmp.dir, groupId: 'bench', backend: 'slatedb' }), cleanup: tmp.cleanup };
      },
    },
    {
      id: 'slatedb-file-nosync',
      label: 'SlateDB file nosync',
      note: "as SlateDB file, with the local-file store's fsync off (objectStoreOptions.file.fsync false): like RocksDB's default, a flush survives the process, not the machine",
      setup: async () => {
        const tmp = await tempDir('slatedb-file-nosync');
        return {
          managerOptions: () => ({ stateDir: tmp.dir, groupId: 'bench', backend: 'slatedb', slatedbOptions: { objectStoreOptions: { file: { fsync: false } } } }),
          cleanup: tmp.cleanup,
        };
      },
    },
    {
      id: 'slatedb-file-fast',
      label: 'SlateDB file !dur',
      note: 'as SlateDB file, with awaitDurable false (a flush resolves once in memory; the WAL is written every flushInterval, 100 ms)',
      setup: async () => {
        const tmp = await tempDir('slatedb-file-fast');
        return {
          managerOptions: () => ({ stateDir: tmp.dir, groupId: 'bench', backend: 'slatedb', slatedbOptions: { awaitDurable: false } }),
          cleanup: tmp.cleanup,
        };
      },
    },
    {
      id: 'slatedb-memory',
      label: 'SlateDB mem',
      note: 'wasm, MemoryObjectStore (one instance kept across reopens), defaults',
      setup: async () => {
        const tmp = await tempDir('slatedb-memory');
        const objectStore = new MemoryObjectStore();
        return {
          managerOptions: () => ({ stateDir: tmp.dir, groupId: 'bench', backend: 'slatedb', slatedbOptions: { objectStore } }),
          cleanup: tmp.cleanup,
        };
      },
    },
    {
      id: 'memory',
      label: 'memory',
      note: 'MemoryBackend (one instance kept across reopens)',
      setup: async () => {
        const backendInstance = new MemoryBackend();
        return { managerOptions: () => ({ stateDir: 'bench-state', groupId: 'bench', backend: 'memory', backendInstance }), cleanup: async () => {} };
      },
    },
    {
      id: 'native-slatedb',
      label: 'native SlateDB',
      reference: true,
      note: native.slatedb
        ? `@slatedb/uniffi ${native.version} (Rust SlateDB through koffi), file:// store, awaitDurable true (WAL flushed per write, as the wasm backend), SlateDB's native defaults otherwise; bench-only Backend adapter (bench/lib/native-backend.mjs)`
        : '',
      ...(native.slatedb ? {} : { skip: native.reason }),
      setup: async () => {
        const tmp = await tempDir('native-slatedb');
        const backendInstance = new NativeSlateDbBackend(native.slatedb, { url: `file://${tmp.dir}/objects`, root: tmp.dir, awaitDurable: true });
        return {
          managerOptions: () => ({ stateDir: tmp.dir, groupId: 'bench', backend: 'memory', backendInstance }),
          cleanup: async () => {
            backendInstance.dispose();
            await tmp.cleanup();
          },
        };
      },
    },
  ];
}
