/**
 * {@link S3ObjectStore}: objects in an S3 bucket (AWS, or any S3-compatible server that supports
 * conditional writes), through `@aws-sdk/client-s3`, which is imported on first use only.
 *
 * @module
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
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
import { alreadyExists, invalidArgument, invalidRange, notFound, preconditionFailed } from './failures.js';

/** Options of {@link S3ObjectStore}. */
export interface S3ObjectStoreOptions {
  /** The bucket; it must exist. */
  bucket: string;
  /**
   * A key prefix inside the bucket under which this store keeps its objects (`'team/db'` stores key
   * `k` as `team/db/k`). A missing trailing `/` is added. Default: the bucket's root.
   */
  prefix?: string;
  /** A configured client to use (and not to destroy on {@link S3ObjectStore.close}). */
  client?: S3Client;
  /**
   * Configuration of the client the store creates when no `client` is given, e.g.
   * `{ region, endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, credentials }` for an
   * S3-compatible server. Default `{}`: the SDK's environment and config-file lookup.
   */
  clientConfig?: S3ClientConfig;
  /**
   * How `copy(from, to, { ifNotExists: true })` is made atomic:
   * - `'get-and-put'` (default): read `from` and create `to` with a conditional PutObject
   *   (`If-None-Match: *`). Works wherever conditional puts work, at the price of moving the bytes
   *   through this process.
   * - `'copy-object'`: a server-side CopyObject with `If-None-Match: *`. Cheaper, but only correct on
   *   servers that honour that header on CopyObject (AWS S3 does); a server that ignores it would
   *   overwrite silently.
   */
  copyIfNotExists?: 'get-and-put' | 'copy-object';
}

type S3Sdk = typeof import('@aws-sdk/client-s3');

/** S3's limit on key length, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * An {@link ObjectStore} over S3. Create-if-absent is PutObject with `If-None-Match: *`,
 * compare-and-swap is PutObject with `If-Match: <etag>`, both atomic on the server; ranged reads use
 * `Range`; listing pages through ListObjectsV2; user metadata is S3 user metadata (`x-amz-meta-*`).
 *
 * Etags are S3's: derived from the content, so rewriting identical bytes keeps the etag (a
 * compare-and-swap from that etag still succeeds, which is harmless: the content is what the caller
 * saw). The server must support conditional writes (AWS S3 since 2024, MinIO, and others).
 */
export class S3ObjectStore implements ObjectStore {
  /** The bucket. */
  readonly bucket: string;
  /** The key prefix inside the bucket, `''` or ending with `/`. */
  readonly prefix: string;
  readonly #clientConfig: S3ClientConfig;
  readonly #copyIfNotExists: 'get-and-put' | 'copy-object';
  readonly #givenClient: S3Client | undefined;
  #connection: Promise<{ sdk: S3Sdk; client: S3Client }> | undefined;

  /**
   * @param options - see {@link S3ObjectStoreOptions}
   * @throws TypeError when `bucket` is missing, or both `client` and `clientConfig` are given
   */
  constructor(options: S3ObjectStoreOptions) {
    if (!options || typeof options.bucket !== 'string' || options.bucket.length === 0) {
      throw new TypeError("S3ObjectStore needs a bucket name: new S3ObjectStore({ bucket: 'my-bucket', clientConfig })");
    }
    if (options.client && options.clientConfig) {
      throw new TypeError('S3ObjectStore: pass either a client or a clientConfig, not both');
    }
    const copyIfNotExists = options.copyIfNotExists ?? 'get-and-put';
    if (copyIfNotExists !== 'get-and-put' && copyIfNotExists !== 'copy-object') {
      throw new TypeError(`S3ObjectStore: copyIfNotExists must be 'get-and-put' or 'copy-object', got ${String(copyIfNotExists)}`);
    }
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+/, '');
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.#clientConfig = options.clientConfig ?? {};
    this.#copyIfNotExists = copyIfNotExists;
    this.#givenClient = options.client;
  }

  /**
   * Store `data` under `key`.
   * @throws ObjectStoreError `AlreadyExists` (mode `'create'`), `Precondition` (compare-and-swap),
   *   `InvalidArgument`
   */
  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<ObjectVersion> {
    const fullKey = this.#fullKey(key);
    checkBytes(key, data);
    const mode = resolvePutMode(key, options.mode);
    const metadata = checkMetadata(key, options.metadata);
    const { sdk, client } = await this.#connect();
    try {
      const response = await client.send(
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: fullKey,
          Body: data,
          Metadata: metadata,
          IfNoneMatch: mode.kind === 'create' ? '*' : undefined,
          IfMatch: mode.kind === 'swap' ? mode.etag : undefined,
        }),
      );
      return versionOf(response);
    } catch (error) {
      const failure = classify(error);
      if (mode.kind === 'create' && (failure === 'precondition' || failure === 'conflict')) {
        throw alreadyExists(key, error);
      }
      if (mode.kind === 'swap') {
        if (failure === 'precondition') throw preconditionFailed(key, `its etag is not ${mode.etag}`, error);
        if (failure === 'conflict') throw preconditionFailed(key, 'a concurrent write to it won', error);
        if (failure === 'missing') throw preconditionFailed(key, 'the object does not exist', error);
      }
      throw error;
    }
  }

  /**
   * Read an object or a range of it.
   * @throws ObjectStoreError `NotFound`, `InvalidRange`, `InvalidArgument`
   */
  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const fullKey = this.#fullKey(key);
    const range = options.range === undefined ? undefined : checkRange(key, options.range);
    // HTTP cannot ask for zero bytes (such a Range header is ignored and the whole object sent).
    if (range && ('suffix' in range ? range.suffix === 0 : range.length === 0)) {
      return this.#emptyRead(key, range);
    }
    const { sdk, client } = await this.#connect();
    let response;
    try {
      response = await client.send(
        new sdk.GetObjectCommand({ Bucket: this.bucket, Key: fullKey, Range: range && rangeHeader(range) }),
      );
    } catch (error) {
      const failure = classify(error);
      if (failure === 'missing') throw notFound(key, error);
      if (failure === 'range' && range) {
        // A suffix of an empty object is empty, as in every other store; S3 calls it unsatisfiable.
        if ('suffix' in range) return this.#emptyRead(key, range);
        throw invalidRange(key, `offset ${range.offset} is not below the object's size`, error);
      }
      throw error;
    }
    const body = response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
    const contentRange = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.ContentRange ?? '');
    const meta: ObjectMeta = {
      key,
      size: contentRange ? Number(contentRange[3]) : body.length,
      lastModified: response.LastModified?.getTime() ?? 0,
      etag: response.ETag,
      version: response.VersionId,
    };
    let data = body;
    let offset = contentRange ? Number(contentRange[1]) : 0;
    if (range && !contentRange) {
      // The server ignored the Range header and sent everything: cut the range out here.
      const wanted = resolveRange(key, range, body.length);
      data = body.subarray(wanted.start, wanted.end);
      offset = wanted.start;
    }
    return { data, meta, offset, metadata: { ...response.Metadata } };
  }

  /**
   * Read an object's metadata.
   * @throws ObjectStoreError `NotFound`, `InvalidArgument`
   */
  async head(key: string): Promise<HeadResult> {
    const fullKey = this.#fullKey(key);
    const { sdk, client } = await this.#connect();
    try {
      const response = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: fullKey }));
      return {
        key,
        size: response.ContentLength ?? 0,
        lastModified: response.LastModified?.getTime() ?? 0,
        etag: response.ETag,
        version: response.VersionId,
        metadata: { ...response.Metadata },
      };
    } catch (error) {
      if (classify(error) === 'missing') throw notFound(key, error);
      throw error;
    }
  }

  /** List objects whose key starts with `prefix`, ascending, keys strictly after `offset` if given. */
  async list(prefix: string, options: { offset?: string } = {}): Promise<ObjectMeta[]> {
    const { offset } = options;
    checkListArguments(prefix, offset);
    const { sdk, client } = await this.#connect();
    const found: ObjectMeta[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await client.send(
        new sdk.ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          StartAfter: offset === undefined || continuationToken ? undefined : this.prefix + offset,
          ContinuationToken: continuationToken,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || !object.Key.startsWith(this.prefix)) continue;
        found.push({
          key: object.Key.slice(this.prefix.length),
          size: object.Size ?? 0,
          lastModified: object.LastModified?.getTime() ?? 0,
          etag: object.ETag,
        });
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return found;
  }

  /** Delete an object; deleting an absent key succeeds. */
  async delete(key: string): Promise<void> {
    const fullKey = this.#fullKey(key);
    const { sdk, client } = await this.#connect();
    try {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: fullKey }));
    } catch (error) {
      if (classify(error) !== 'missing') throw error;
    }
  }

  /**
   * Copy `from` to `to` with its user metadata. A plain copy is a server-side CopyObject; with
   * `ifNotExists`, see {@link S3ObjectStoreOptions.copyIfNotExists}.
   * @throws ObjectStoreError `NotFound` (no `from`), `AlreadyExists` (`ifNotExists` and `to` exists)
   */
  async copy(from: string, to: string, options: CopyOptions = {}): Promise<void> {
    const source = this.#fullKey(from);
    const target = this.#fullKey(to);
    if (options.ifNotExists && this.#copyIfNotExists === 'get-and-put') {
      const { data, metadata } = await this.get(from);
      await this.put(to, data, { mode: 'create', metadata });
      return;
    }
    const { sdk, client } = await this.#connect();
    try {
      await client.send(
        new sdk.CopyObjectCommand({
          Bucket: this.bucket,
          Key: target,
          CopySource: `${this.bucket}/${encodeURIComponent(source).replace(/%2F/g, '/')}`,
          MetadataDirective: 'COPY',
          IfNoneMatch: options.ifNotExists ? '*' : undefined,
        }),
      );
    } catch (error) {
      const failure = classify(error);
      if (failure === 'missing') throw notFound(from, error);
      if (options.ifNotExists && (failure === 'precondition' || failure === 'conflict')) throw alreadyExists(to, error);
      throw error;
    }
  }

  /**
   * Release the HTTP connections of the client this store created (a `client` passed in is left to
   * its owner). Later calls create a new client.
   */
  async close(): Promise<void> {
    if (this.#givenClient || !this.#connection) return;
    const connection = this.#connection;
    this.#connection = undefined;
    (await connection).client.destroy();
  }

  #connect(): Promise<{ sdk: S3Sdk; client: S3Client }> {
    this.#connection ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: this.#givenClient ?? new sdk.S3Client(this.#clientConfig),
    }));
    return this.#connection;
  }

  #fullKey(key: string): string {
    checkKey(key);
    const fullKey = this.prefix + key;
    if (new TextEncoder().encode(fullKey).length > MAX_KEY_BYTES) {
      throw invalidArgument(key, `key "${key}" with prefix "${this.prefix}" is over S3's ${MAX_KEY_BYTES}-byte limit; use shorter keys or prefix`);
    }
    return fullKey;
  }

  async #emptyRead(key: string, range: ByteRange): Promise<GetResult> {
    const { metadata, ...meta } = await this.head(key);
    const { start } = resolveRange(key, range, meta.size);
    return { data: new Uint8Array(0), meta, offset: start, metadata };
  }
}

/** The few S3 failures the contract tells apart. */
type S3Failure = 'missing' | 'precondition' | 'conflict' | 'range' | undefined;

function classify(error: unknown): S3Failure {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const name = (error as { name?: string; Code?: string })?.name ?? (error as { Code?: string })?.Code;
  // A missing bucket is a setup mistake to report as it is, not an absent object.
  if (name === 'NoSuchBucket') return undefined;
  if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') return 'missing';
  if (status === 412 || name === 'PreconditionFailed') return 'precondition';
  if (name === 'ConditionalRequestConflict') return 'conflict';
  if (status === 416 || name === 'InvalidRange') return 'range';
  return undefined;
}

function rangeHeader(range: ByteRange): string {
  if ('suffix' in range) return `bytes=-${range.suffix}`;
  return range.length === undefined ? `bytes=${range.offset}-` : `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

function versionOf(response: { ETag?: string; VersionId?: string }): ObjectVersion {
  return response.VersionId === undefined ? { etag: response.ETag } : { etag: response.ETag, version: response.VersionId };
}
