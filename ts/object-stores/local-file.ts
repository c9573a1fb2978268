/**
 * {@link LocalFileObjectStore}: objects as files under a root directory, on node:fs or any fs-like
 * object (a memfs volume, a runtime's own fs).
 *
 * @module
 */
import type {
  ByteRange,
  CopyOptions,
  GetOptions,
  GetResult,
  HeadResult,
  ObjectMeta,
  ObjectStore,
  ObjectVersion,
  PutOptions,
} from './object-store.js';
import {
  checkBytes,
  checkKey,
  checkListArguments,
  checkMetadata,
  checkRange,
  resolvePutMode,
  resolveRange,
} from './arguments.js';
import { alreadyExists, dataCorruption, invalidArgument, notFound, preconditionFailed } from './failures.js';
import { compareKeys } from './key-order.js';
import {
  asDirent,
  assertFileSystem,
  errorCode,
  type FileHandleLike,
  type FileSystemLike,
  type FileSystemPromisesLike,
} from './file-system.js';
import { decodeHeader, encodeHeader, HEADER_PROBE_BYTES, headerLength, type ObjectHeader } from './local-file-format.js';
import { createKeyLocker, MAX_NAME_BYTES, RESERVED_NAME_PREFIX, type KeyLocker } from './local-file-lock.js';

/** Options of {@link LocalFileObjectStore}. */
export interface LocalFileObjectStoreOptions {
  /**
   * The file system to use: an object with a `promises` member like `node:fs` (see
   * {@link FileSystemPromisesLike} for the methods called), e.g. `createFsFromVolume(new Volume())`
   * from memfs. Default: `node:fs`, imported on first use.
   */
  fs?: FileSystemLike;
  /**
   * Flush each object's data to stable storage before publishing it, and its directory after, so a
   * power loss cannot leave an empty or partial object behind a completed put. Default `true`; turn
   * off only for data you can lose (tests, caches).
   */
  fsync?: boolean;
  /**
   * After how many milliseconds a per-key lock file is treated as abandoned by a crashed process and
   * broken. Default 10 000. Work under the lock takes milliseconds; raise this on very slow disks.
   */
  lockStaleMs?: number;
  /**
   * Serve reads of up to this many bytes with synchronous calls on `node:fs` (open, fstat, pread,
   * close on the JavaScript thread) instead of a round trip through libuv's thread pool for each
   * call. From the page cache a small ranged read then takes microseconds instead of several pool
   * hops; SlateDB reads one 4 KiB block per cold lookup, so this is what cold reads cost. Reads
   * larger than this (whole SSTs, read-ahead ranges) keep the asynchronous path, so a slow disk
   * never stalls the event loop for long. Only used with the default `node:fs` (not with an `fs`
   * option). Default 1 MiB; `0` turns synchronous reads off.
   */
  syncReadMaxBytes?: number;
}

/** Where an object lives on disk. */
interface ObjectPath {
  key: string;
  dir: string;
  name: string;
  file: string;
}

/** An object file opened for reading, header decoded. */
interface OpenedObject {
  handle: FileHandleLike;
  header: ObjectHeader;
  /** Where the data starts in the file. */
  dataStart: number;
  /** The data's size in bytes. */
  size: number;
  lastModified: number;
  /** The first bytes of the file, read to find the header; they may already hold the data. */
  probe: Uint8Array;
}

/** The synchronous calls of `node:fs` the read fast path uses. */
interface SyncFileSystem {
  openSync(path: string, flags: 'r'): number;
  fstatSync(fd: number): { size: number; mtimeMs: number; isFile(): boolean };
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

const TEMP_PREFIX = `${RESERVED_NAME_PREFIX}tmp~`;
const DEFAULT_SYNC_READ_MAX_BYTES = 1 << 20;
const MADE_DIRECTORIES_MAX = 1024;
const LIST_CONCURRENCY = 32;

/**
 * An {@link ObjectStore} that keeps each object as one file under `root` (key `a/b/c` is the file
 * `root/a/b/c`), with its etag and user metadata in a small header at the start of the file.
 *
 * Guarantees:
 * - No torn object is ever visible: a put writes a temporary file in the target's directory
 *   (named `.streamstate~tmp~…`, never listed) and publishes it with one `rename` or `link`. A crash
 *   leaves the old object or none, plus at most a stray temporary file that is ignored.
 * - Create-if-absent is atomic across processes: the temporary file is hard-linked to the target,
 *   which fails if the target exists.
 * - Compare-and-swap, overwrite and delete hold a per-key lock: a promise queue in the process and
 *   a lock file (`open(..., 'wx')`) across processes; a lock left by a crashed process is broken
 *   after `lockStaleMs`. So compare-and-swap is atomic within a process, and across processes on
 *   one machine unless a lock holder stalls for longer than `lockStaleMs`.
 *
 * Limits: a key cannot be both an object and a prefix directory of others (`a` and `a/b`); keys may
 * not be absolute, contain empty, `.` or `..` segments, backslashes or NUL, or use names starting
 * with `.streamstate~`; each segment is at most 236 UTF-8 bytes. The directory is not readable by
 * other object-store libraries because of the header.
 */
export class LocalFileObjectStore implements ObjectStore {
  /** The root directory, as given (keys are shown as paths under it). */
  get location(): string {
    return this.#root;
  }
  readonly #root: string;
  readonly #fsync: boolean;
  readonly #fsOption: FileSystemLike | undefined;
  readonly #withKeyLock: KeyLocker;
  readonly #syncReadMaxBytes: number;
  #fs: Promise<FileSystemPromisesLike> | undefined;
  /** Directories this store made or found (bounded; cleared when full). */
  readonly #madeDirectories = new Set<string>();
  /** `node:fs`'s synchronous calls, once imported (only when no `fs` option was given). */
  #syncFs: SyncFileSystem | undefined;

  /**
   * @param root - the directory holding the objects; created on the first put
   * @param options - see {@link LocalFileObjectStoreOptions}
   * @throws TypeError when `root` is not a non-empty string or `fs` lacks a needed method
   */
  constructor(root: string, options: LocalFileObjectStoreOptions = {}) {
    if (typeof root !== 'string' || root.length === 0) {
      throw new TypeError('LocalFileObjectStore needs a root directory path, e.g. new LocalFileObjectStore("/var/lib/app/state")');
    }
    if (options.fs !== undefined) assertFileSystem(options.fs);
    const staleMs = options.lockStaleMs ?? 10_000;
    if (!(staleMs > 0)) throw new TypeError(`LocalFileObjectStore: lockStaleMs must be a positive number of milliseconds, got ${staleMs}`);
    this.#root = root.length > 1 ? root.replace(/[\\/]+$/, '') : root === '/' ? '' : root;
    this.#fsync = options.fsync ?? true;
    this.#fsOption = options.fs;
    this.#withKeyLock = createKeyLocker(staleMs);
    const syncMax = options.syncReadMaxBytes ?? DEFAULT_SYNC_READ_MAX_BYTES;
    if (!(Number.isSafeInteger(syncMax) && syncMax >= 0)) {
      throw new TypeError(`LocalFileObjectStore: syncReadMaxBytes must be a whole, non-negative number of bytes, got ${syncMax}`);
    }
    this.#syncReadMaxBytes = options.fs === undefined ? syncMax : 0;
  }

  /** The root directory, as given. */
  get root(): string {
    return this.#root === '' ? '/' : this.#root;
  }

  /**
   * Store `data` under `key`, atomically (see the class guarantees).
   * @throws ObjectStoreError `AlreadyExists` (mode `'create'`), `Precondition` (compare-and-swap),
   *   `InvalidArgument` (bad key, mode or metadata)
   */
  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<ObjectVersion> {
    const path = this.#pathOf(key);
    checkBytes(key, data);
    const mode = resolvePutMode(key, options.mode);
    const metadata = checkMetadata(key, options.metadata);
    const fs = await this.#fileSystem();
    const etag = newEtag();
    const temp = await this.#writeTemporary(fs, path, encodeHeader({ etag, metadata }), data);
    try {
      if (mode.kind === 'create') {
        await fs.link(temp, path.file).catch((error) => {
          throw errorCode(error) === 'EEXIST' ? alreadyExists(key, error) : error;
        });
      } else {
        await this.#withKeyLock(fs, path.dir, path.name, async () => {
          if (mode.kind === 'swap') {
            const current = await this.#readHeader(fs, path).catch((error) => {
              if (error?.code === 'NotFound') throw preconditionFailed(key, 'the object does not exist', error);
              throw error;
            });
            if (current.etag !== mode.etag) {
              throw preconditionFailed(key, `its etag is ${current.etag}, not ${mode.etag}`);
            }
          }
          await fs.rename(temp, path.file).catch((error) => {
            throw isDirectoryConflict(error) ? prefixConflict(key, error) : error;
          });
        });
      }
    } finally {
      // After a rename the temporary name is gone; after a link or a failure it must be removed.
      await fs.unlink(temp).catch(ignoreMissing);
    }
    await this.#syncDirectory(fs, path.dir);
    return { etag };
  }

  /**
   * Read an object or a range of it.
   * @throws ObjectStoreError `NotFound`, `InvalidRange`, `InvalidArgument`
   */
  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const path = this.#pathOf(key);
    const requested = options.range === undefined ? undefined : checkRange(key, options.range);
    const fs = await this.#fileSystem();
    if (this.#syncFs !== undefined) {
      const result = this.#getSync(this.#syncFs, path, requested);
      if (result !== undefined) return result;
    }
    const opened = await this.#open(fs, path);
    try {
      const { start, end } = requested ? resolveRange(key, requested, opened.size) : { start: 0, end: opened.size };
      const from = opened.dataStart + start;
      const to = opened.dataStart + end;
      let data: Uint8Array;
      if (to <= opened.probe.length) {
        data = opened.probe.slice(from, to);
      } else {
        data = new Uint8Array(end - start);
        await readFully(opened.handle, data, from, path.file);
      }
      return {
        data,
        meta: metaOf(key, opened),
        offset: start,
        metadata: opened.header.metadata,
      };
    } finally {
      await opened.handle.close();
    }
  }

  /**
   * Read an object's metadata.
   * @throws ObjectStoreError `NotFound`, `InvalidArgument`
   */
  async head(key: string): Promise<HeadResult> {
    const path = this.#pathOf(key);
    const fs = await this.#fileSystem();
    if (this.#syncFs !== undefined) {
      const result = this.#getSync(this.#syncFs, path, undefined, true);
      if (result !== undefined) return { ...result.meta, metadata: result.metadata };
    }
    const opened = await this.#open(fs, path);
    await opened.handle.close();
    return { ...metaOf(key, opened), metadata: opened.header.metadata };
  }

  /**
   * List objects whose key starts with `prefix`, ascending, keys strictly after `offset` if given.
   * Walks only the directories that can hold matching keys; skips the store's own temporary and lock
   * files. Objects deleted while listing are left out.
   */
  async list(prefix: string, options: { offset?: string } = {}): Promise<ObjectMeta[]> {
    const { offset } = options;
    checkListArguments(prefix, offset);
    const fs = await this.#fileSystem();
    const lastSlash = prefix.lastIndexOf('/');
    const base = lastSlash < 0 ? '' : prefix.slice(0, lastSlash);
    // A prefix whose complete segments no key may have matches nothing, and must not walk anywhere
    // (e.g. "../").
    if (base !== '' && !base.split('/').every(isValidSegment)) return [];
    const keys: string[] = [];
    await this.#walk(fs, base, prefix, offset, keys);
    keys.sort(compareKeys);
    const metas: (ObjectMeta | undefined)[] = new Array(keys.length);
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const index = next++;
        const key = keys[index]!;
        metas[index] = await this.#open(fs, this.#pathOf(key)).then(
          async (opened) => {
            await opened.handle.close();
            return metaOf(key, opened);
          },
          async (error) => {
            if (error?.code === 'NotFound') return undefined;
            // A damaged object is still an object: list it (size of the whole file, no etag), as a
            // listing that reads no contents would, so it can be found and deleted; reading it
            // fails with DataCorruption.
            if (error?.code === 'DataCorruption') return this.#damagedMeta(fs, key);
            throw error;
          },
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, keys.length) }, worker));
    return metas.filter((meta): meta is ObjectMeta => meta !== undefined);
  }

  /** Delete an object; deleting an absent key succeeds. */
  async delete(key: string): Promise<void> {
    const path = this.#pathOf(key);
    const fs = await this.#fileSystem();
    try {
      await this.#withKeyLock(fs, path.dir, path.name, () => fs.unlink(path.file));
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      // Unlinking a directory fails with EISDIR (Linux) or EPERM (macOS); a directory holds other
      // objects but is no object itself, so there is nothing to delete.
      if ((code === 'EISDIR' || code === 'EPERM') && (await isDirectory(fs, path.file))) return;
      throw error;
    }
    await this.#syncDirectory(fs, path.dir);
  }

  /**
   * Copy `from` to `to` with its user metadata, as a new version (new etag), atomically like a put.
   * @throws ObjectStoreError `NotFound` (no `from`), `AlreadyExists` (`ifNotExists` and `to` exists)
   */
  async copy(from: string, to: string, options: CopyOptions = {}): Promise<void> {
    this.#pathOf(to);
    const source = await this.get(from);
    await this.put(to, source.data, { mode: options.ifNotExists ? 'create' : 'overwrite', metadata: source.metadata });
  }

  #fileSystem(): Promise<FileSystemPromisesLike> {
    // node:fs is imported only when no fs was given, so bundles for other runtimes never need it.
    this.#fs ??= this.#fsOption
      ? Promise.resolve(this.#fsOption.promises)
      : import('node:fs').then(
          (nodeFs) => {
            if (this.#syncReadMaxBytes > 0) this.#syncFs = nodeFs as unknown as SyncFileSystem;
            return nodeFs.promises as unknown as FileSystemPromisesLike;
          },
          (cause: unknown) => {
            // A permanent failure (InvalidArgument), so the engine reports it instead of retrying.
            throw invalidArgument(
              '',
              `LocalFileObjectStore needs node:fs, which this runtime does not provide ` +
                `(${(cause as Error)?.message ?? cause}); pass an fs-like object as { fs }, or use ` +
                'MemoryObjectStore or S3ObjectStore',
              cause,
            );
          },
        );
    return this.#fs;
  }

  /**
   * A read on the JavaScript thread: open, fstat, pread the header probe (which often holds the
   * data too) and the range, close. Returns `undefined`, having read nothing it keeps, when the
   * read is larger than `syncReadMaxBytes` (`headOnly`: the header alone): the caller then takes the asynchronous path. Errors are
   * the same as the asynchronous path's.
   */
  #getSync(
    fs: SyncFileSystem,
    path: ObjectPath,
    requested: ByteRange | undefined,
    headOnly = false,
  ): GetResult | undefined {
    let fd: number;
    try {
      fd = fs.openSync(path.file, 'r');
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) throw notFound(path.key, error);
      throw error;
    }
    try {
      const stats = fs.fstatSync(fd);
      if (!stats.isFile()) throw notFound(path.key);
      const fileSize = Number(stats.size);
      let probe = new Uint8Array(Math.min(fileSize, HEADER_PROBE_BYTES));
      readFullySync(fs, fd, probe, 0, path.file);
      const length = headerLength(probe, path.file, path.key);
      if (length === undefined || length > fileSize) throw headerTruncated(path.file, path.key);
      if (length > probe.length) {
        const longer = new Uint8Array(length);
        longer.set(probe);
        readFullySync(fs, fd, longer.subarray(probe.length), probe.length, path.file);
        probe = longer;
      }
      const header = decodeHeader(probe, length, path.file, path.key);
      const size = fileSize - length;
      const { start, end } = headOnly ? { start: 0, end: 0 } : requested ? resolveRange(path.key, requested, size) : { start: 0, end: size };
      const from = length + start;
      const to = length + end;
      let data: Uint8Array;
      if (to <= probe.length) {
        data = probe.slice(from, to);
      } else {
        if (end - start > this.#syncReadMaxBytes) return undefined;
        data = new Uint8Array(end - start);
        readFullySync(fs, fd, data, from, path.file);
      }
      const lastModified = Math.floor(Number(stats.mtimeMs));
      return { data, meta: { key: path.key, size, lastModified, etag: header.etag }, offset: start, metadata: header.metadata };
    } finally {
      fs.closeSync(fd);
    }
  }

  #pathOf(key: string): ObjectPath {
    checkKey(key);
    const segments = key.split('/');
    if (!segments.every(isValidSegment)) {
      throw invalidArgument(
        key,
        `key "${key}" cannot name a file under the store root: keys must be relative ('a/b', not '/a/b'), ` +
          `without empty, '.' or '..' segments, backslashes or NUL, names starting with ` +
          `'${RESERVED_NAME_PREFIX}', or segments over ${MAX_NAME_BYTES} UTF-8 bytes`,
      );
    }
    const name = segments.pop()!;
    const dir = segments.length === 0 ? this.#root : `${this.#root}/${segments.join('/')}`;
    return { key, dir, name, file: `${dir}/${name}` };
  }

  async #makeDirectory(fs: FileSystemPromisesLike, path: ObjectPath): Promise<void> {
    if (this.#madeDirectories.size >= MADE_DIRECTORIES_MAX) this.#madeDirectories.clear();
    await fs.mkdir(path.dir, { recursive: true }).catch((error) => {
      throw ['ENOTDIR', 'EEXIST'].includes(errorCode(error) ?? '') ? prefixConflict(path.key, error) : error;
    });
  }

  async #writeTemporary(
    fs: FileSystemPromisesLike,
    path: ObjectPath,
    header: Uint8Array,
    data: Uint8Array,
  ): Promise<string> {
    const temp = `${path.dir}/${TEMP_PREFIX}${newEtag()}`;
    // The directory is made on the first put into it; later puts skip that call (and make it again
    // if it was removed since).
    let handle: FileHandleLike;
    if (!this.#madeDirectories.has(path.dir)) await this.#makeDirectory(fs, path);
    try {
      handle = await fs.open(temp, 'wx');
    } catch (error) {
      if (!['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) throw error;
      await this.#makeDirectory(fs, path);
      handle = await fs.open(temp, 'wx');
    }
    this.#madeDirectories.add(path.dir);
    try {
      // Header and data in one call where the fs can (one thread-pool hop, no concatenated copy).
      const written = handle.writev ? (await handle.writev([header, data], 0)).bytesWritten : 0;
      if (written < header.length) await writeFully(handle, header.subarray(written), written);
      const dataWritten = Math.max(0, written - header.length);
      await writeFully(handle, data.subarray(dataWritten), header.length + dataWritten);
      if (this.#fsync) await handle.sync?.();
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.unlink(temp).catch(() => undefined);
      throw error;
    }
    return temp;
  }

  async #syncDirectory(fs: FileSystemPromisesLike, dir: string): Promise<void> {
    if (!this.#fsync) return;
    let handle: FileHandleLike;
    try {
      handle = await fs.open(dir === '' ? '/' : dir, 'r');
    } catch {
      // Some platforms (Windows) cannot open directories; their renames are durable without it.
      return;
    }
    try {
      // A failed fsync (EIO) must fail the put: it would otherwise report a durability it lacks.
      await handle.sync?.();
    } finally {
      await handle.close();
    }
  }

  async #open(fs: FileSystemPromisesLike, path: ObjectPath): Promise<OpenedObject> {
    let handle: FileHandleLike;
    try {
      handle = await fs.open(path.file, 'r');
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) throw notFound(path.key, error);
      throw error;
    }
    try {
      const stats = await handle.stat();
      // A directory is a prefix of other keys, not an object.
      if (!stats.isFile()) throw notFound(path.key);
      const fileSize = Number(stats.size);
      let probe = new Uint8Array(Math.min(fileSize, HEADER_PROBE_BYTES));
      await readFully(handle, probe, 0, path.file);
      const length = headerLength(probe, path.file, path.key);
      if (length === undefined || length > fileSize) throw headerTruncated(path.file, path.key);
      if (length > probe.length) {
        const longer = new Uint8Array(length);
        longer.set(probe);
        await readFully(handle, longer.subarray(probe.length), probe.length, path.file);
        probe = longer;
      }
      return {
        handle,
        header: decodeHeader(probe, length, path.file, path.key),
        dataStart: length,
        size: fileSize - length,
        lastModified: Math.floor(Number(stats.mtimeMs)),
        probe,
      };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  async #damagedMeta(fs: FileSystemPromisesLike, key: string): Promise<ObjectMeta | undefined> {
    try {
      const stats = await fs.stat(this.#pathOf(key).file);
      return { key, size: Number(stats.size), lastModified: Math.floor(Number(stats.mtimeMs)) };
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) return undefined;
      throw error;
    }
  }

  async #readHeader(fs: FileSystemPromisesLike, path: ObjectPath): Promise<ObjectHeader> {
    const opened = await this.#open(fs, path);
    await opened.handle.close();
    return opened.header;
  }

  async #walk(
    fs: FileSystemPromisesLike,
    dirKey: string,
    prefix: string,
    offset: string | undefined,
    keys: string[],
  ): Promise<void> {
    const dir = dirKey === '' ? this.#root : `${this.#root}/${dirKey}`;
    let entries;
    try {
      entries = await fs.readdir(dir === '' ? '/' : dir, { withFileTypes: true });
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) return;
      throw error;
    }
    const below: Promise<void>[] = [];
    for (const entry of entries.map((raw) => asDirent(raw, dir))) {
      // The store's own temporary and lock files, and names no key can have, are not objects.
      if (!isValidSegment(entry.name)) continue;
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) {
        const inside = `${key}/`;
        const couldMatch = inside.startsWith(prefix) || prefix.startsWith(inside);
        // Every key inside sorts before `offset` when `inside` does and is not a prefix of it.
        const allBeforeOffset =
          offset !== undefined && !offset.startsWith(inside) && compareKeys(inside, offset) < 0;
        if (couldMatch && !allBeforeOffset) below.push(this.#walk(fs, key, prefix, offset, keys));
      } else if (entry.isFile()) {
        if (key.startsWith(prefix) && (offset === undefined || compareKeys(key, offset) > 0)) keys.push(key);
      }
    }
    await Promise.all(below);
  }
}

function metaOf(key: string, opened: OpenedObject): ObjectMeta {
  return { key, size: opened.size, lastModified: opened.lastModified, etag: opened.header.etag };
}

function isValidSegment(segment: string): boolean {
  return (
    segment !== '' &&
    segment !== '.' &&
    segment !== '..' &&
    !segment.startsWith(RESERVED_NAME_PREFIX) &&
    !/[\\\0]/.test(segment) &&
    new TextEncoder().encode(segment).length <= MAX_NAME_BYTES
  );
}

function newEtag(): string {
  return crypto.randomUUID();
}

async function readFully(handle: FileHandleLike, into: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) {
      throw new Error(`${file} ended early; it was truncated outside the store (written by another program?)`);
    }
    done += bytesRead;
  }
}

function readFullySync(fs: SyncFileSystem, fd: number, into: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < into.length) {
    const bytesRead = fs.readSync(fd, into, done, into.length - done, position + done);
    if (bytesRead === 0) {
      throw new Error(`${file} ended early; it was truncated outside the store (written by another program?)`);
    }
    done += bytesRead;
  }
}

async function writeFully(handle: FileHandleLike, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten <= 0) throw new Error(`the file system wrote nothing at byte ${position + done}; is the disk full?`);
    done += bytesWritten;
  }
}

function isDirectoryConflict(error: unknown): boolean {
  return ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(errorCode(error) ?? '');
}

async function isDirectory(fs: FileSystemPromisesLike, path: string): Promise<boolean> {
  return fs.stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

function prefixConflict(key: string, cause: unknown) {
  return invalidArgument(
    key,
    `key "${key}" collides with another object on disk: a file cannot also be a directory, so one key ` +
      `cannot be both an object and a prefix of other keys ('a' and 'a/b'); rename one of them`,
    cause,
  );
}

function headerTruncated(file: string, key: string): Error {
  return dataCorruption(
    key,
    `${file}: streamstate object header is cut short; the file was changed outside the store. Restore it ` +
      'from a backup, or delete it (a SlateDB database holding it reads as corrupted: recreate it)',
  );
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}
