/**
 * The default backend of a {@link StateStoreManager} given no `backend`: RocksDB where its native
 * addon loads, SlateDB elsewhere. Decided once per process, synchronously (stores bind their
 * backend when registered), by loading the addon with the runtime's `require`.
 *
 * @module
 */
import type { BackendName } from '../backends/backend.js';
import { ROCKSDB_ADDON_PACKAGE } from '../backends/rocksdb/rocksdb-addon.js';

/** The default backend and why, e.g. `{ backend: 'slatedb', reason: 'the RocksDB native addon ... is not installed' }`. */
export interface DefaultBackendChoice {
  backend: Extract<BackendName, 'rocksdb' | 'slatedb'>;
  /** Why, as a sentence fragment for the log line. */
  reason: string;
}

let choice: DefaultBackendChoice | undefined;

/**
 * RocksDB when `@nxtedition/rocksdb` loads in this runtime (Node, Bun, Deno with `--allow-read
 * --allow-write --allow-env --allow-ffi`), SlateDB otherwise, with the cause: the package missing, a
 * runtime permission refused (Deno), or no way to load native code (workerd, browsers).
 * @returns the choice (the same one for the whole process)
 */
export function chooseDefaultBackend(): DefaultBackendChoice {
  choice ??= probe();
  return choice;
}

function probe(): DefaultBackendChoice {
  const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process?.getBuiltinModule;
  let createRequire: ((url: string) => (id: string) => unknown) | undefined;
  try {
    createRequire = (getBuiltinModule?.call(undefined, 'node:module') as { createRequire?: typeof createRequire } | undefined)?.createRequire;
  } catch {
    createRequire = undefined;
  }
  if (typeof createRequire !== 'function') {
    return { backend: 'slatedb', reason: 'this runtime cannot load native addons such as RocksDB (no node:module)' };
  }
  let requireHere: (id: string) => unknown;
  try {
    requireHere = createRequire(import.meta.url);
  } catch {
    // workerd with Node.js compatibility: node:module exists, but modules are not files.
    return { backend: 'slatedb', reason: 'this runtime cannot load native addons such as RocksDB (its modules are not files to require from)' };
  }
  try {
    requireHere(ROCKSDB_ADDON_PACKAGE);
    return { backend: 'rocksdb', reason: `its native addon ${ROCKSDB_ADDON_PACKAGE} loads here` };
  } catch (error) {
    const name = (error as { name?: unknown })?.name;
    const code = (error as { code?: unknown })?.code;
    const message = String((error as Error)?.message ?? error).split('\n')[0];
    if (name === 'NotCapable' || name === 'PermissionDenied') {
      return { backend: 'slatedb', reason: `the runtime refused a permission the RocksDB addon needs (${message}; under Deno RocksDB needs --allow-read --allow-write --allow-env --allow-ffi)` };
    }
    if (code === 'MODULE_NOT_FOUND' && message.includes(ROCKSDB_ADDON_PACKAGE)) {
      return { backend: 'slatedb', reason: `the RocksDB native addon ${ROCKSDB_ADDON_PACKAGE} is not installed (npm install ${ROCKSDB_ADDON_PACKAGE} to use RocksDB)` };
    }
    return { backend: 'slatedb', reason: `the RocksDB native addon ${ROCKSDB_ADDON_PACKAGE} did not load here (${message})` };
  }
}
