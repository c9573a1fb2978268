/**
 * {@link S3ObjectStore}: objects in an S3 bucket (AWS, or any S3-compatible server that supports
 * conditional writes), through `@aws-sdk/client-s3` (an optional peer dependency), which is imported
 * on first use only (or given by `import 'streamstate/s3'`, see {@link useS3Sdk}).
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
import { StreamstateError } from '../errors.js';

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
  /**
   * Most milliseconds one request may take, retries of the SDK included; past it the call fails
   * with `S3_UNREACHABLE` instead of waiting for an endpoint that accepted the connection and never
   * answers. Default 120 000 (2 minutes: room for a large SST upload on a slow link); `0` for none.
   */
  requestTimeoutMs?: number;
}

type S3Sdk = typeof import('@aws-sdk/client-s3');

/** The fields of {@link S3ObjectStoreOptions}; any other is refused. */
export const S3_OPTION_FIELDS: readonly (keyof S3ObjectStoreOptions)[] = Object.freeze(['bucket', 'prefix', 'client', 'clientConfig', 'copyIfNotExists', 'requestTimeoutMs']);

/** Default {@link S3ObjectStoreOptions.requestTimeoutMs}. */
export const DEFAULT_S3_REQUEST_TIMEOUT_MS = 120_000;

/**
 * Check a bucket name against S3's naming rules (general purpose buckets): 3 to 63 characters of
 * lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit, no `..`, not
 * an IP address, none of the reserved prefixes and suffixes.
 * @param bucket - the name
 * @returns `undefined` when it is acceptable, else what is wrong with it
 */
export function checkS3BucketName(bucket: string): string | undefined {
  const rules = 'S3 bucket names are 3 to 63 characters of lowercase letters, digits, "." and "-", starting and ending with a letter or digit';
  if (bucket.length < 3 || bucket.length > 63) return `the bucket name ${JSON.stringify(bucket)} has ${bucket.length} characters; ${rules}`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)) return `the bucket name ${JSON.stringify(bucket)} is not allowed; ${rules}`;
  if (bucket.includes('..')) return `the bucket name ${JSON.stringify(bucket)} has two adjacent periods, which S3 does not allow`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return `the bucket name ${JSON.stringify(bucket)} is formatted as an IP address, which S3 does not allow`;
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(bucket)) {
    return `the bucket name ${JSON.stringify(bucket)} uses a prefix or suffix S3 reserves`;
  }
  return undefined;
}

/**
 * Stable codes of {@link S3StoreError}:
 * - `S3_ACCESS_DENIED`: the credentials are missing, wrong, expired, or may not use the bucket.
 * - `S3_NO_SUCH_BUCKET`: the bucket does not exist at that endpoint.
 * - `S3_UNREACHABLE`: the endpoint could not be reached (refused, unknown host, timed out); may pass.
 * - `S3_MISCONFIGURED`: the client cannot be set up (no region, a malformed endpoint).
 * - `S3_REQUEST_FAILED`: any other failure the server or the client reported; may pass.
 */
export type S3StoreErrorCode = 'S3_ACCESS_DENIED' | 'S3_NO_SUCH_BUCKET' | 'S3_UNREACHABLE' | 'S3_MISCONFIGURED' | 'S3_REQUEST_FAILED';

/**
 * A failure of {@link S3ObjectStore} other than the contract's answers (`NotFound`, `Precondition`,
 * ...): the message says what to check, and never holds the credentials. The SDK's error is the `cause`.
 */
export class S3StoreError extends StreamstateError {
  declare readonly code: S3StoreErrorCode;
  /** The bucket of the failed call. */
  readonly bucket: string;
  /** The S3 error name (`InvalidAccessKeyId`, `NoSuchBucket`, ...) or the network error code, when known. */
  readonly s3Error: string | undefined;
  /** The HTTP status of the response, when there was one. */
  readonly httpStatus: number | undefined;
  /**
   * Whether repeating the call may succeed (`S3_UNREACHABLE`, `S3_REQUEST_FAILED`); false when
   * the configuration must change first (`S3_ACCESS_DENIED`, `S3_NO_SUCH_BUCKET`, `S3_MISCONFIGURED`).
   */
  readonly retryable: boolean;

  /**
   * @param code - which failure; see {@link S3StoreErrorCode}
   * @param bucket - the bucket of the failed call
   * @param message - what happened and what to do
   * @param details - the S3 error name and HTTP status, and the SDK's error as `cause`
   */
  constructor(code: S3StoreErrorCode, bucket: string, message: string, details: { s3Error?: string | undefined; httpStatus?: number | undefined; cause?: unknown } = {}) {
    super(code, message, { cause: details.cause });
    this.bucket = bucket;
    this.s3Error = details.s3Error;
    this.httpStatus = details.httpStatus;
    this.retryable = code === 'S3_UNREACHABLE' || code === 'S3_REQUEST_FAILED';
  }
}

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
  /** `s3://<bucket>` and the prefix without its last `/`. */
  get location(): string {
    return `s3://${this.bucket}${this.prefix === '' ? '' : `/${this.prefix.replace(/\/+$/, '')}`}`;
  }
  readonly #clientConfig: S3ClientConfig;
  readonly #copyIfNotExists: 'get-and-put' | 'copy-object';
  readonly #givenClient: S3Client | undefined;
  readonly #requestTimeoutMs: number;
  #connection: Promise<{ sdk: S3Sdk; client: S3Client }> | undefined;

  /**
   * @param options - see {@link S3ObjectStoreOptions}
   * @throws StreamstateError with code `'INVALID_OBJECT_STORE_OPTIONS'` when `bucket` is missing or
   *   not a name S3 allows, an option is unknown or of the wrong type, or both `client` and
   *   `clientConfig` are given
   *
   * The methods throw {@link ObjectStoreError} for the contract's answers and {@link S3StoreError}
   * for every other failure of a request (credentials, bucket, endpoint, configuration).
   */
  constructor(options: S3ObjectStoreOptions) {
    if (!options || typeof options !== 'object' || typeof options.bucket !== 'string' || options.bucket.length === 0) {
      throw invalidOptions("S3ObjectStore needs a bucket name: new S3ObjectStore({ bucket: 'my-bucket', clientConfig })");
    }
    const unknown = Object.keys(options).find((field) => !(S3_OPTION_FIELDS as readonly string[]).includes(field));
    if (unknown !== undefined) {
      throw invalidOptions(
        `S3ObjectStore: unknown option "${unknown}"; the options are ${S3_OPTION_FIELDS.join(', ')} (client settings such as region and credentials go in clientConfig)`,
      );
    }
    const badBucket = checkS3BucketName(options.bucket);
    if (badBucket !== undefined) throw invalidOptions(`S3ObjectStore: ${badBucket}`);
    if (options.client && options.clientConfig) {
      throw invalidOptions('S3ObjectStore: pass either a client or a clientConfig, not both');
    }
    if (options.clientConfig !== undefined && (typeof options.clientConfig !== 'object' || options.clientConfig === null)) {
      throw invalidOptions('S3ObjectStore: clientConfig must be an object of S3 client settings ({ region, endpoint, credentials, ... })');
    }
    if (options.prefix !== undefined && typeof options.prefix !== 'string') {
      throw invalidOptions('S3ObjectStore: prefix must be a string of key segments, e.g. "team/db"');
    }
    const copyIfNotExists = options.copyIfNotExists ?? 'get-and-put';
    if (copyIfNotExists !== 'get-and-put' && copyIfNotExists !== 'copy-object') {
      throw invalidOptions(`S3ObjectStore: copyIfNotExists must be 'get-and-put' or 'copy-object', got ${String(copyIfNotExists)}`);
    }
    const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_S3_REQUEST_TIMEOUT_MS;
    if (typeof requestTimeoutMs !== 'number' || !Number.isFinite(requestTimeoutMs) || requestTimeoutMs < 0) {
      throw invalidOptions(`S3ObjectStore: requestTimeoutMs must be a non-negative number of milliseconds (0: no limit), got ${String(requestTimeoutMs)}`);
    }
    this.#requestTimeoutMs = requestTimeoutMs;
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
        this.#sendOptions(),
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
      throw this.#failure('put', key, error);
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
        this.#sendOptions(),
      );
    } catch (error) {
      const failure = classify(error);
      if (failure === 'missing') throw notFound(key, error);
      if (failure === 'range' && range) {
        // A suffix of an empty object is empty, as in every other store; S3 calls it unsatisfiable.
        if ('suffix' in range) return this.#emptyRead(key, range);
        throw invalidRange(key, `offset ${range.offset} is not below the object's size`, error);
      }
      throw this.#failure('get', key, error);
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
      const response = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: fullKey }), this.#sendOptions());
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
      throw this.#failure('head', key, error);
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
      let page;
      try {
        page = await client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            StartAfter: offset === undefined || continuationToken ? undefined : this.prefix + offset,
            ContinuationToken: continuationToken,
          }),
          this.#sendOptions(),
        );
      } catch (error) {
        throw this.#failure('list', prefix, error);
      }
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
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: fullKey }), this.#sendOptions());
    } catch (error) {
      if (classify(error) !== 'missing') throw this.#failure('delete', key, error);
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
        this.#sendOptions(),
      );
    } catch (error) {
      const failure = classify(error);
      if (failure === 'missing') throw notFound(from, error);
      if (options.ifNotExists && (failure === 'precondition' || failure === 'conflict')) throw alreadyExists(to, error);
      throw this.#failure('copy', from, error);
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
    const connection = (this.#connection ??= loadS3Sdk(this.bucket).then((sdk) => ({
      sdk,
      client: this.#givenClient ?? new sdk.S3Client(this.#clientConfig),
    })));
    // A failed load is not remembered: installing the SDK (or registering it) and retrying works.
    connection.catch(() => {
      if (this.#connection === connection) this.#connection = undefined;
    });
    return connection;
  }

  /** The options of one `send`: aborted after {@link S3ObjectStoreOptions.requestTimeoutMs}. */
  #sendOptions(): { abortSignal?: AbortSignal } {
    const timeout = (AbortSignal as { timeout?: (ms: number) => AbortSignal }).timeout;
    return this.#requestTimeoutMs > 0 && timeout !== undefined ? { abortSignal: timeout.call(AbortSignal, this.#requestTimeoutMs) } : {};
  }

  /** The error to throw for an SDK failure that is not one of the contract's answers. */
  #failure(operation: string, key: string, error: unknown): unknown {
    if (error instanceof StreamstateError) return error;
    if ((error as { name?: unknown })?.name === 'NotCapable' || (error as { name?: unknown })?.name === 'PermissionDenied') {
      return new S3StoreError(
        'S3_MISCONFIGURED',
        this.bucket,
        `S3 ${operation} in bucket "${this.bucket}" was refused by the runtime's permissions (${String((error as Error).message)}). ` +
          'Under Deno, S3 needs --allow-net, --allow-env and --allow-sys (and --allow-read for the engine\'s .wasm).',
        { cause: error },
      );
    }
    if (isMissingDomParser(error)) {
      return new S3StoreError(
        'S3_MISCONFIGURED',
        this.bucket,
        `S3 ${operation} in bucket "${this.bucket}" cannot read the answer: the AWS SDK was bundled with its browser XML parser, which needs DOMParser, ` +
          `and this runtime has none (${String((error as Error).message)}). Bundle with the alias "@aws-sdk/xml-builder" -> "@aws-sdk/xml-builder/dist-cjs/index.js" ` +
          '(esbuild: alias; wrangler: [alias] in wrangler.toml), which selects the SDK\'s own parser that needs no DOM.',
        { cause: error },
      );
    }
    return translateS3Error(error, {
      operation,
      key,
      bucket: this.bucket,
      endpoint: this.#givenClient === undefined ? printableEndpoint(this.#clientConfig.endpoint) : 'the endpoint of the given client',
      secrets: secretsOf(this.#clientConfig),
      requestTimeoutMs: this.#requestTimeoutMs,
    });
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

/** The SDK given to {@link useS3Sdk}, or the one imported on first use. */
let s3Sdk: Promise<S3Sdk> | undefined;

/**
 * The package name of the AWS SDK's S3 client, held in a variable so that bundlers leave the import
 * alone: a bundle that never uses S3 does not carry the SDK (about 1 MB). Runtimes that resolve
 * packages at run time (Node, Deno, Bun) import it from `node_modules` on first use; a bundled
 * runtime (workerd) gets it from `import 'streamstate/s3'`, which calls {@link useS3Sdk}.
 */
const S3_SDK_PACKAGE = '@aws-sdk/client-s3';

/**
 * Give {@link S3ObjectStore} the AWS SDK's S3 client module to use, instead of importing
 * `@aws-sdk/client-s3` on first use. `import 'streamstate/s3'` does this for you; call it yourself
 * only to use a particular copy of the SDK.
 * @param sdk - the namespace of `@aws-sdk/client-s3` (`import * as sdk from '@aws-sdk/client-s3'`)
 * @throws StreamstateError `INVALID_OBJECT_STORE_OPTIONS` when `sdk` has no `S3Client`
 */
export function useS3Sdk(sdk: S3Sdk): void {
  if (!sdk || typeof (sdk as { S3Client?: unknown }).S3Client !== 'function') {
    throw invalidOptions("useS3Sdk: pass the namespace of '@aws-sdk/client-s3' (import * as sdk from '@aws-sdk/client-s3')");
  }
  s3Sdk = Promise.resolve(sdk);
}

/** The S3 SDK: the registered one, or `@aws-sdk/client-s3` imported now. */
function loadS3Sdk(bucket: string): Promise<S3Sdk> {
  if (s3Sdk) return s3Sdk;
  const loading = (import(/* webpackIgnore: true */ /* @vite-ignore */ S3_SDK_PACKAGE) as Promise<S3Sdk>).then(
    (sdk) => sdk,
    (error: unknown) => {
      if (s3Sdk === loading) s3Sdk = undefined;
      throw new S3StoreError(
        'S3_MISCONFIGURED',
        bucket,
        `S3ObjectStore needs the AWS SDK's S3 client, which could not be imported here (${scrub(String((error as Error)?.message ?? error), []).slice(0, 200)}). ` +
          "Install it next to streamstate (npm install @aws-sdk/client-s3); in a bundled worker (workerd, Cloudflare Workers) add import 'streamstate/s3' to the worker.",
        { cause: error },
      );
    },
  );
  s3Sdk = loading;
  return loading;
}

/**
 * Whether `error` is the AWS SDK's browser XML parser failing for want of `DOMParser`, which
 * happens when a bundler applies the SDK's "browser" file map for a runtime that is not a browser
 * (workerd: bundled with the workerd/worker/browser conditions, as wrangler does).
 */
function isMissingDomParser(error: unknown): boolean {
  return error instanceof ReferenceError && /\b(DOMParser|Node)\b/.test(error.message);
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

function invalidOptions(message: string): StreamstateError {
  return new StreamstateError('INVALID_OBJECT_STORE_OPTIONS', message);
}

/** Where a failed call went, for {@link translateS3Error}'s message. */
interface S3CallContext {
  operation: string;
  key: string;
  bucket: string;
  /** The endpoint as it may be printed. */
  endpoint: string;
  /** Strings that must not appear in a message (the configured secret key, session token). */
  secrets: string[];
  /** The request time limit, for the message of an aborted request. */
  requestTimeoutMs: number;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AllAccessDisabled',
  'AccountProblem',
  'InvalidSecurity',
  'CredentialsProviderError',
  'UnrecognizedClientException',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

/**
 * Turn an SDK failure into an {@link S3StoreError} whose message says what to check.
 * @param error - what the SDK threw
 * @param context - the call, for the message
 * @returns the coded error
 */
function translateS3Error(error: unknown, context: S3CallContext): S3StoreError {
  const { operation, key, bucket, endpoint } = context;
  const failure = error as { name?: unknown; Code?: unknown; code?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = failure?.$metadata?.httpStatusCode;
  const name = typeof failure?.name === 'string' && failure.name !== 'Error' ? failure.name : typeof failure?.Code === 'string' ? failure.Code : undefined;
  const networkCode = typeof failure?.code === 'string' ? failure.code : undefined;
  const detail = scrub(`${name ?? networkCode ?? 'Error'}: ${String(failure?.message ?? error)}`.slice(0, 300), context.secrets);
  const call = `S3 ${operation} of ${operation === 'list' ? 'prefix ' : ''}"${key}" in bucket "${bucket}" at ${endpoint}`;
  const details = { s3Error: name ?? networkCode, httpStatus: status, cause: error };
  if ((name !== undefined && ACCESS_DENIED.has(name)) || status === 403 || /could not load credentials|credential object is not valid/i.test(detail)) {
    return new S3StoreError(
      'S3_ACCESS_DENIED',
      bucket,
      `${call} was refused: access denied (${detail}). Check the credentials (objectStoreOptions.s3.clientConfig.credentials, ` +
        'or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_PROFILE in the environment) and that they may read and write this bucket.',
      details,
    );
  }
  if (name === 'NoSuchBucket') {
    return new S3StoreError(
      'S3_NO_SUCH_BUCKET',
      bucket,
      `${call} failed: the bucket "${bucket}" does not exist there. Create the bucket, or fix its name in the location (s3://bucket/prefix) or the endpoint.`,
      details,
    );
  }
  if (name === 'AbortError') {
    return new S3StoreError(
      'S3_UNREACHABLE',
      bucket,
      `${call} failed: no answer within ${context.requestTimeoutMs} ms (requestTimeoutMs). Check the endpoint (objectStoreOptions.s3.clientConfig.endpoint), ` +
        'the network, and that the server is running; raise requestTimeoutMs for very large objects on a slow link; the call may be retried.',
      details,
    );
  }
  if ((networkCode !== undefined && NETWORK_CODES.has(networkCode)) || name === 'TimeoutError' || /socket hang up|getaddrinfo|connect ECONNREFUSED/i.test(detail)) {
    return new S3StoreError(
      'S3_UNREACHABLE',
      bucket,
      `${call} failed: the endpoint cannot be reached (${detail}). Check the endpoint (objectStoreOptions.s3.clientConfig.endpoint), ` +
        'the network, and that the server is running; the call may be retried.',
      details,
    );
  }
  if (status === undefined && /region is missing|invalid region|invalid endpoint|endpoint .*(invalid|malformed)|invalid url/i.test(detail)) {
    return new S3StoreError(
      'S3_MISCONFIGURED',
      bucket,
      `${call} cannot be made: the S3 client is not configured (${detail}). Set objectStoreOptions.s3.clientConfig.region ` +
        '(or AWS_REGION in the environment) and, for an S3-compatible server, endpoint and forcePathStyle.',
      details,
    );
  }
  return new S3StoreError(
    'S3_REQUEST_FAILED',
    bucket,
    `${call} failed (${detail}${status === undefined ? '' : `, HTTP ${status}`}). It may be retried; if it persists, check the server and the bucket's configuration.`,
    details,
  );
}

/** An endpoint as it may be printed: its URL without user or password, or "AWS S3". */
function printableEndpoint(endpoint: unknown): string {
  const text = typeof endpoint === 'string' ? endpoint : endpoint instanceof URL ? endpoint.href : undefined;
  if (text === undefined) return endpoint === undefined ? 'AWS S3' : 'the configured endpoint';
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return 'the configured endpoint';
  }
}

/** The secret strings of a client configuration given as plain values. */
function secretsOf(config: S3ClientConfig): string[] {
  const credentials = (config as { credentials?: unknown }).credentials as { secretAccessKey?: unknown; sessionToken?: unknown } | undefined;
  if (credentials === undefined || typeof credentials !== 'object') return [];
  return [credentials.secretAccessKey, credentials.sessionToken].filter((value): value is string => typeof value === 'string' && value.length >= 4);
}

function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('<secret removed>');
  return out;
}
