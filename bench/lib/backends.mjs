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

/**
 * SlateDB on S3: MinIO on loopback behind Toxiproxy, one proxy per added latency (0, 10, 30 ms on
 * every reply), so each request pays a real network round trip as on S3 (10-30 ms). Starts both
 * servers (scripts/s3-server.sh, scripts/toxiproxy.sh) on free loopback ports with their own
 * temporary state.
 * @param latencies - milliseconds of latency per column
 * @returns `{ backends, stop }`, or `{ skip }` (why) when MinIO or Toxiproxy cannot be installed
 */
export async function s3Backends(latencies = [0, 10, 30]) {
  const { startMinio, ServerUnavailable } = await import('./servers.mjs');
  const { startToxiproxy } = await import('../../tests/helpers/toxiproxy.mjs');
  let minio;
  try {
    minio = await startMinio();
  } catch (error) {
    if (error instanceof ServerUnavailable) return { skip: error.message };
    throw error;
  }
  const toxiproxy = startToxiproxy();
  if (toxiproxy === undefined) {
    await minio.stop();
    return { skip: 'scripts/toxiproxy.sh cannot install Toxiproxy on this machine' };
  }
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const { S3ObjectStore } = await import('streamstate');
  const bucket = 'bench';
  const admin = new S3Client(minio.clientConfig);
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  const upstream = new URL(minio.clientConfig.endpoint).host;
  let made = 0;
  const backends = [];
  for (const ms of latencies) {
    const proxy = await toxiproxy.createProxy({ name: `minio-${ms}ms`, upstream });
    if (ms > 0) await proxy.addLatency(ms);
    const clientConfig = { ...minio.clientConfig, endpoint: `http://${proxy.listen}` };
    backends.push({
      id: `slatedb-s3-${ms}ms`,
      label: `SlateDB S3 +${ms}ms`,
      note: `wasm, S3ObjectStore on MinIO (loopback) through Toxiproxy adding ${ms} ms to every reply, defaults (durable)`,
      s3: true,
      setup: async () => {
        const tmp = await tempDir(`slatedb-s3-${ms}`);
        const prefix = `run-${++made}-${Date.now().toString(36)}`;
        const clients = [];
        return {
          // Every manager (every reopen) gets a store with a client of its own, as another process would.
          managerOptions: () => {
            const objectStore = new S3ObjectStore({ bucket, prefix, clientConfig });
            clients.push(objectStore);
            return { stateDir: tmp.dir, groupId: 'bench', backend: 'slatedb', slatedbOptions: { objectStore } };
          },
          cleanup: async () => {
            await Promise.all(clients.map((client) => client.close()));
            await tmp.cleanup();
          },
        };
      },
    });
  }
  return {
    backends,
    stop: async () => {
      toxiproxy.stop();
      await minio.stop();
    },
  };
}
