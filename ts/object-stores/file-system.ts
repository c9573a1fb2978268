/**
 * The part of a Node-style file system that {@link LocalFileObjectStore} uses, so any fs-like object
 * (node:fs, a memfs volume, a runtime's own fs) can stand in.
 *
 * @module
 */

/** What `stat` must report: `FileHandle.stat()` and `fs.promises.stat()` in Node. */
export interface FileStatsLike {
  /** Size in bytes (a bigint where the fs reports them so, as memfs's types allow). */
  size: number | bigint;
  /** Last modification time, milliseconds since the Unix epoch. */
  mtimeMs: number | bigint;
  /** True for a regular file. */
  isFile(): boolean;
  /** True for a directory. */
  isDirectory(): boolean;
}

/** The methods of an open file that the store calls (Node's `FileHandle`). */
export interface FileHandleLike {
  /** Read up to `length` bytes into `buffer[offset..]` from file position `position`. */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  /** Write `buffer[offset..offset+length]` at file position `position`. */
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  /**
   * Write `buffers` one after another from file position `position`, in one call. Optional: where
   * absent (or where it writes less than all), the store writes with {@link FileHandleLike.write}.
   */
  writev?(buffers: readonly Uint8Array[], position: number): Promise<{ bytesWritten: number }>;
  /** Status of the open file. */
  stat(): Promise<FileStatsLike>;
  /**
   * Flush the file's data to stable storage (fsync); also called on directories opened with `'r'`.
   * Optional: file systems without durability to offer (memfs) may leave it out.
   */
  sync?(): Promise<void>;
  /** Close the file. */
  close(): Promise<void>;
}

/** A directory entry (Node's `Dirent`). */
export interface DirentLike {
  /** The entry's name within its directory. */
  name: string;
  /** True for a regular file. */
  isFile(): boolean;
  /** True for a directory. */
  isDirectory(): boolean;
}

/**
 * The promise-based file-system methods {@link LocalFileObjectStore} needs: exactly those of
 * `node:fs/promises` listed here, with Node's semantics and error `code`s (`ENOENT`, `EEXIST`,
 * `ENOTDIR`, `EISDIR`). `link` must fail with `EEXIST` when the new path exists (that is what makes
 * create-if-absent atomic); `rename` must replace the destination atomically; `open` is called with
 * the flags `'r'` and `'wx'` (exclusive create).
 */
export interface FileSystemPromisesLike {
  /** Open a file (`'r'` to read, `'wx'` to create exclusively). */
  open(path: string, flags: 'r' | 'wx'): Promise<FileHandleLike>;
  /** Atomically replace `newPath` with `oldPath`. */
  rename(oldPath: string, newPath: string): Promise<void>;
  /** Create the hard link `newPath` to `existingPath`; fails with `EEXIST` when `newPath` exists. */
  link(existingPath: string, newPath: string): Promise<void>;
  /** Remove a file. */
  unlink(path: string): Promise<void>;
  /** Create a directory and its missing parents. */
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  /**
   * List a directory's entries with their types: {@link DirentLike}s. (Typed loosely because some
   * fs libraries, memfs among them, declare one return type for every `readdir` option.)
   */
  readdir(path: string, options: { withFileTypes: true }): Promise<readonly unknown[]>;
  /** Status of a path (used for the age of lock files). */
  stat(path: string): Promise<FileStatsLike>;
}

/**
 * An fs-like object: anything with a `promises` member like `node:fs` has, e.g.
 * `createFsFromVolume(new Volume())` from memfs (a memfs `Volume` itself also works).
 */
export interface FileSystemLike {
  /** The promise-based API; see {@link FileSystemPromisesLike} for the methods used. */
  promises: FileSystemPromisesLike;
}

/** The methods {@link FileSystemPromisesLike} requires, for validating user-supplied file systems. */
export const FILE_SYSTEM_METHODS = ['open', 'rename', 'link', 'unlink', 'mkdir', 'readdir', 'stat'] as const;

/**
 * Check that `fs` looks like a {@link FileSystemLike}.
 * @throws TypeError naming what is missing
 */
export function assertFileSystem(fs: unknown): asserts fs is FileSystemLike {
  const promises = (fs as { promises?: Record<string, unknown> } | null | undefined)?.promises;
  if (promises === null || typeof promises !== 'object') {
    throw new TypeError(
      'LocalFileObjectStore: `fs` must be an fs-like object with a `promises` member (like node:fs), ' +
        "e.g. createFsFromVolume(new Volume()) from memfs; omit it to use node:fs",
    );
  }
  const missing = FILE_SYSTEM_METHODS.filter((name) => typeof promises[name] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(
      `LocalFileObjectStore: fs.promises lacks ${missing.join(', ')}; it needs ` +
        `${FILE_SYSTEM_METHODS.join(', ')} with node:fs semantics`,
    );
  }
}

/** The `code` of a Node-style system error (`'ENOENT'`, ...), or `undefined`. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Check that a `readdir(..., { withFileTypes: true })` entry is a {@link DirentLike}.
 * @throws TypeError when the fs returned something else (it ignored `withFileTypes`)
 */
export function asDirent(entry: unknown, dir: string): DirentLike {
  const candidate = entry as Partial<DirentLike> | null;
  if (
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.isFile === 'function' &&
    typeof candidate.isDirectory === 'function'
  ) {
    return { name: String(candidate.name), isFile: () => candidate.isFile!(), isDirectory: () => candidate.isDirectory!() };
  }
  throw new TypeError(
    `LocalFileObjectStore: fs.promises.readdir(${JSON.stringify(dir)}, { withFileTypes: true }) returned ` +
      `${typeof entry} entries, not Dirent objects; the fs must support withFileTypes`,
  );
}
