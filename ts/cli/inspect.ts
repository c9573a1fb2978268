/**
 * `streamstate inspect`: look at state without changing it. Given a state directory or an
 * object-store location, it finds every partition database under it (RocksDB directories, SlateDB
 * databases in local files or in S3), and for each shows its column families with key counts, the
 * stored changelog offset and, for SlateDB, a summary of its manifest and objects; with `--dump`
 * it prints the keys of a range decoded with the default serialization (JSON).
 *
 * Read-only, and it never takes a lock a running writer holds:
 * - RocksDB: the directory is copied under its own lock (see `rocksdb-snapshot.ts`) and the copy
 *   is opened; a running writer makes it fail with `ROCKSDB_LOCKED`.
 * - SlateDB: a live lease (`<database>/.lock`) makes it fail with `SLATEDB_LOCKED`; otherwise the
 *   engine opens the database through an {@link OverlayObjectStore}, which keeps every write the
 *   open makes (a new manifest, a fencing WAL object) in memory, with the compactor and garbage
 *   collector off. Nothing is written to the store, not even a lease.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CF, type BackendDatabase } from '../backends/backend.js';
import type { DatabaseLease } from '../backends/slatedb/database-lease.js';
import { readLease } from '../backends/slatedb/database-lease.js';
import { SlateDbDatabase } from '../backends/slatedb/slatedb-database.js';
import { LEASE_OBJECT } from '../backends/slatedb/slatedb-backend.js';
import { DEFAULT_LOCK_TTL_MS } from '../backends/slatedb/slatedb-settings.js';
import { SlateDb, type ManifestSummary } from '../engine/slatedb.js';
import { SlateDBLockError, StreamstateError } from '../errors.js';
import { setLogger, type Logger } from '../logging.js';
import { LocalFileObjectStore } from '../object-stores/local-file.js';
import { ObjectStoreError, type ObjectMeta, type ObjectStore } from '../object-stores/object-store.js';
import { S3ObjectStore } from '../object-stores/s3.js';
import { compareBytes } from '../bytes.js';
import { bytesRepr } from '../state/bytes.js';
import { CHANGELOG_OFFSET_KEY, METADATA_CF_NAME, SEPARATOR } from '../state/constants.js';
import { bigIntFromBytes } from '../state/integers.js';
import { jsonDumps, jsonLoads } from '../state/json.js';
import { OverlayObjectStore } from './overlay-object-store.js';
import { openRocksDbSnapshot } from './rocksdb-snapshot.js';

/** Exit statuses of `streamstate inspect`. */
export const EXIT = Object.freeze({
  /** Everything found was inspected. */
  OK: 0,
  /** A partition could not be inspected (unreadable, corrupted, store unreachable). */
  FAILED: 1,
  /** Bad arguments, or nothing to inspect at the location. */
  USAGE: 2,
  /** A running writer holds a partition (its lock or lease); nothing of it was read. */
  LOCKED: 3,
});

/** The usage text. */
export const INSPECT_USAGE = `Usage: streamstate inspect (--state-dir DIR | LOCATION) [options]

Look at streamstate state without changing it: partitions, column families and key counts, the
stored changelog offset, SlateDB's manifest, and (with --dump) keys decoded as JSON.

Where the state is:
  --state-dir DIR        a state directory (RocksDB directories and SlateDB local files)
  LOCATION               file:///abs/path, or s3://bucket/prefix (endpoint, region and credentials
                         from AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID,
                         AWS_SECRET_ACCESS_KEY; AWS_S3_FORCE_PATH_STYLE=false to turn path-style off
                         with a custom endpoint)
  --group G              the consumer group (state lives under <state>/<group>)

Which partitions:
  --store NAME  --stream TOPIC  --partition N

Dump keys (of the partitions selected):
  --dump                 print keys and values
  --cf NAME              the column family (default "default")
  --prefix KEY           only keys of this message key, stored as its bytes (the Application's
                         Kafka keys) or serialized (tx.asState('KEY')): both are shown
  --json-prefix JSON     only keys of a prefix stored serialized from this JSON value (42, '["a",1]')
  --from KEY  --to KEY   keys >= from and < to (JSON, or plain strings), within the prefix
  --limit N              at most N entries per partition (default 100)

Output and limits:
  --json                 one JSON document on stdout
  --tmp-dir DIR          scratch space for RocksDB copies (default: the system's temp directory;
                         best on the same file system as the state, so files are hard-linked)
  --timeout SECONDS      give up after this long (default 300)

Exit status: 0 inspected, 1 a partition could not be read, 2 bad arguments or nothing found,
3 a running writer holds a partition (inspect never takes a lock a writer holds).`;

/** Which backend a partition database belongs to, and where it is. */
interface FoundDatabase {
  /** `rocksdb` or `slatedb`. */
  backend: 'rocksdb' | 'slatedb';
  /** Path segments below the state root: `[store, stream, partition]` or `[store, partition]`. */
  segments: string[];
  /** RocksDB: the absolute directory. */
  directory?: string;
  /** SlateDB: the store and the database's key in it. */
  store?: ObjectStore;
  key?: string;
  /** For messages: the database's location. */
  location: string;
}

/** What is reported of one column family. */
interface FamilyReport {
  name: string;
  keys: number;
}

/** One dumped entry. */
interface DumpEntry {
  prefix?: unknown;
  /** The prefix when it is not JSON (a Kafka key's bytes), Python-style `b'...'`. */
  rawPrefix?: string;
  key: unknown;
  value: unknown;
  /** Raw forms when the bytes are not the default serialization's. */
  rawKey?: string;
  rawValue?: string;
}

/** The SlateDB part of a partition report. */
interface SlateDbReport {
  /** The stored manifest (as its last writer left it). */
  manifest: {
    id: number | undefined;
    writerEpoch: number;
    compactorEpoch: number;
    l0Ssts: number;
    l0Bytes: number;
    sortedRuns: { id: number; ssts: number; bytes: number }[];
  };
  /** Objects of the database by kind (`manifest`, `wal`, `compacted`, ...). */
  objects: Record<string, { count: number; bytes: number }>;
  /** The lease object, when there is one (an expired lease of a writer that stopped uncleanly). */
  lease?: { holder: string; expiresAt: string; expired: boolean };
}

/** The report of one partition. */
interface PartitionReport {
  /** The path below the state root (`<store>/<stream>/<partition>`). */
  path: string;
  store: string;
  stream: string | null;
  partition: number | string;
  backend: 'rocksdb' | 'slatedb';
  location: string;
  changelogOffset?: string | null;
  columnFamilies?: FamilyReport[];
  slatedb?: SlateDbReport;
  dump?: { cf: string; entries: DumpEntry[]; truncated: boolean };
  error?: { code: string; message: string };
}

interface InspectArgs {
  stateDir: string | undefined;
  location: string | undefined;
  group: string | undefined;
  store: string | undefined;
  stream: string | undefined;
  partition: string | undefined;
  dump: boolean;
  cf: string;
  prefix: string | undefined;
  jsonPrefix: string | undefined;
  from: string | undefined;
  to: string | undefined;
  limit: number;
  json: boolean;
  tmpDir: string | undefined;
  timeoutMs: number;
}

/** Where the CLI writes. */
export interface InspectOutput {
  /** The report (stdout). */
  out(text: string): void;
  /** Errors and warnings (stderr). */
  err(text: string): void;
}

/**
 * Run `streamstate inspect` with these arguments (without the command name).
 * @param argv - the arguments
 * @param output - where to write
 * @returns the exit status (see {@link EXIT})
 */
export async function runInspect(argv: string[], output: InspectOutput): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.out(`${INSPECT_USAGE}\n`);
    return EXIT.OK;
  }
  let args: InspectArgs;
  try {
    args = parseInspectArgs(argv);
  } catch (error) {
    output.err(`streamstate inspect: ${(error as Error).message}\n\n${INSPECT_USAGE}\n`);
    return EXIT.USAGE;
  }
  // Library lines (a retried open, a warning) go to stderr, so stdout stays the report.
  const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => output.err(`warning: ${m}\n`), error: (m) => output.err(`error: ${m}\n`) };
  setLogger(logger);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new StreamstateError(
            'INSPECT_TIMEOUT',
            `inspect did not finish within ${args.timeoutMs / 1000} s (the store may be unreachable or the state very large); check the location, or raise --timeout.`,
          ),
        ),
      args.timeoutMs,
    );
  });
  try {
    return await Promise.race([inspect(args, output), deadline]);
  } catch (error) {
    output.err(`streamstate inspect: ${describeError(error)}\n`);
    return (error as StreamstateError).code === 'INSPECT_USAGE' ? EXIT.USAGE : EXIT.FAILED;
  } finally {
    clearTimeout(timer);
  }
}

function parseInspectArgs(argv: string[]): InspectArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'state-dir': { type: 'string' },
      group: { type: 'string' },
      store: { type: 'string' },
      stream: { type: 'string' },
      partition: { type: 'string' },
      dump: { type: 'boolean', default: false },
      cf: { type: 'string', default: DEFAULT_CF },
      prefix: { type: 'string' },
      'json-prefix': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
      'tmp-dir': { type: 'string' },
      timeout: { type: 'string', default: '300' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length > 1) throw new Error(`one location at most, got ${positionals.join(', ')}`);
  const location = positionals[0];
  if ((location === undefined) === (values['state-dir'] === undefined)) {
    throw new Error('give either --state-dir DIR or a location (file:///path, s3://bucket/prefix)');
  }
  const limit = Number(values.limit);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`--limit must be a positive integer, got ${values.limit}`);
  const timeout = Number(values.timeout);
  if (!(timeout > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${values.timeout}`);
  if (values.prefix !== undefined && values['json-prefix'] !== undefined) throw new Error('give --prefix or --json-prefix, not both');
  if (values['json-prefix'] !== undefined) {
    try {
      JSON.parse(values['json-prefix']);
    } catch {
      throw new Error(`--json-prefix must be JSON (e.g. 42, '"ada"', '["a",1]'), got ${values['json-prefix']}`);
    }
  }
  if (values.partition !== undefined && !/^\d+$/.test(values.partition)) throw new Error(`--partition must be a partition number, got ${values.partition}`);
  return {
    stateDir: values['state-dir'],
    location,
    group: values.group,
    store: values.store,
    stream: values.stream,
    partition: values.partition,
    dump: values.dump ?? false,
    cf: values.cf ?? DEFAULT_CF,
    prefix: values.prefix,
    jsonPrefix: values['json-prefix'],
    from: values.from,
    to: values.to,
    limit,
    json: values.json ?? false,
    tmpDir: values['tmp-dir'],
    timeoutMs: timeout * 1000,
  };
}

async function inspect(args: InspectArgs, output: InspectOutput): Promise<number> {
  const { describe, databases, close } = await findDatabases(args);
  try {
    const selected = databases.filter((db) => matches(db.segments, args));
    if (selected.length === 0) {
      const what = databases.length === 0 ? 'no partition databases' : `${databases.length} partition database(s), none matching --store/--stream/--partition`;
      output.err(`streamstate inspect: found ${what} under ${describe}. Check the path${args.group === undefined ? ' (and --group)' : ''}.\n`);
      return EXIT.USAGE;
    }
    const reports: PartitionReport[] = [];
    for (const db of selected) reports.push(await inspectDatabase(db, args));
    if (args.json) output.out(`${JSON.stringify({ root: describe, partitions: reports }, jsonReplacer, 2)}\n`);
    else output.out(formatText(describe, reports));
    let status: number = EXIT.OK;
    for (const report of reports) {
      if (report.error === undefined) continue;
      output.err(`streamstate inspect: ${report.location}: ${report.error.message}\n`);
      const locked = report.error.code === 'ROCKSDB_LOCKED' || report.error.code === 'SLATEDB_LOCKED';
      if (locked) status = EXIT.LOCKED;
      else if (status === EXIT.OK) status = EXIT.FAILED;
    }
    return status;
  } finally {
    await close();
  }
}

function matches(segments: string[], args: InspectArgs): boolean {
  const { store, stream, partition } = partitionName(segments);
  if (args.store !== undefined && store !== args.store) return false;
  if (args.stream !== undefined && stream !== args.stream) return false;
  if (args.partition !== undefined && String(partition) !== args.partition) return false;
  return true;
}

/** `[store, stream, partition]`, `[store, partition]`, or anything else as the store name. */
function partitionName(segments: string[]): { path: string; store: string; stream: string | null; partition: number | string } {
  const last = segments[segments.length - 1] ?? '';
  const partition = /^\d+$/.test(last) ? Number(last) : last;
  const path = segments.join('/');
  if (segments.length >= 3) return { path, store: segments[segments.length - 3]!, stream: segments[segments.length - 2]!, partition };
  if (segments.length === 2) return { path, store: segments[0]!, stream: null, partition };
  return { path, store: '', stream: null, partition };
}

// ---- finding databases ------------------------------------------------------------------------

interface Found {
  root: string;
  describe: string;
  databases: FoundDatabase[];
  close(): Promise<void>;
}

async function findDatabases(args: InspectArgs): Promise<Found> {
  const location = args.location;
  if (location !== undefined && /^s3:\/\//i.test(location)) return findInS3(location, args.group);
  let directory: string;
  if (location !== undefined) {
    const match = /^file:\/\/(localhost)?(\/.*)$/i.exec(location);
    if (match === null) {
      throw new StreamstateError('INSPECT_USAGE', `"${location}" is not a location inspect can read; use file:///absolute/path, s3://bucket/prefix, or --state-dir DIR.`);
    }
    directory = decodeURIComponent(match[2]!);
  } else {
    directory = args.stateDir!;
  }
  const { resolve, join } = await import('node:path');
  const root = resolve(args.group === undefined ? directory : join(directory, args.group));
  const { stat } = await import('node:fs/promises');
  const info = await stat(root).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new StreamstateError('INSPECT_USAGE', `The state directory "${root}" does not exist or is not a directory; check --state-dir${args.group === undefined ? '' : ' and --group'}.`);
  }
  const databases: FoundDatabase[] = [];
  await walk(root, [], databases);
  return { root, describe: root, databases, close: async () => {} };
}

const MAX_DEPTH = 6;

async function walk(directory: string, segments: string[], found: FoundDatabase[]): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const entries = await readdir(directory, { withFileTypes: true });
  const names = new Set(entries.map((entry) => entry.name));
  if (segments.length > 0 && names.has('CURRENT') && entries.some((entry) => entry.isFile() && /^MANIFEST-\d+$/.test(entry.name))) {
    found.push({ backend: 'rocksdb', segments, directory, location: directory });
    return;
  }
  if (segments.length > 0 && entries.some((entry) => entry.isDirectory() && entry.name === 'manifest')) {
    const manifests = await readdir(join(directory, 'manifest')).catch(() => []);
    if (manifests.some((name) => name.endsWith('.manifest'))) {
      const parent = join(directory, '..');
      const key = segments[segments.length - 1]!;
      found.push({ backend: 'slatedb', segments, store: new LocalFileObjectStore(parent), key, location: directory });
      return;
    }
  }
  if (segments.length >= MAX_DEPTH) return;
  for (const entry of entries.sort((a, b) => compareSegments(a.name, b.name))) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) await walk(join(directory, entry.name), [...segments, entry.name], found);
  }
}

function compareSegments(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

async function findInS3(location: string, group: string | undefined): Promise<Found> {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(location);
  if (match === null) throw new StreamstateError('INSPECT_USAGE', `"${location}" names no bucket; use s3://bucket/prefix.`);
  const bucket = match[1]!;
  const prefix = [match[2]!.replace(/^\/+|\/+$/g, ''), group ?? ''].filter((part) => part !== '').join('/');
  const store = new S3ObjectStore({ bucket, ...(prefix === '' ? {} : { prefix }), clientConfig: s3ClientConfigFromEnv() });
  const describe = `s3://${bucket}/${prefix}`;
  let objects: ObjectMeta[];
  try {
    objects = await store.list('');
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new StreamstateError('INSPECT_STORE_UNREADABLE', `Cannot list ${describe}: ${describeError(error)}. Check the bucket, the endpoint and the credentials.`, { cause: error });
  }
  const keys = new Set<string>();
  for (const { key } of objects) {
    const at = key.lastIndexOf('/manifest/');
    if (at > 0 && key.endsWith('.manifest')) keys.add(key.slice(0, at));
  }
  const databases = [...keys]
    .map((key) => ({ backend: 'slatedb' as const, segments: key.split('/'), store, key, location: `${describe.replace(/\/$/, '')}/${key}` }))
    .sort((a, b) => compareSegmentLists(a.segments, b.segments));
  return { root: describe, describe, databases, close: () => store.close() };
}

function compareSegmentLists(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareSegments(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** The S3 client settings from the usual AWS environment variables (the SDK reads credentials itself). */
function s3ClientConfigFromEnv(): Record<string, unknown> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const config: Record<string, unknown> = { region, maxAttempts: 3 };
  if (endpoint !== undefined && endpoint !== '') {
    config.endpoint = endpoint;
    config.forcePathStyle = env.AWS_S3_FORCE_PATH_STYLE !== 'false';
  }
  return config;
}

// ---- inspecting one database ------------------------------------------------------------------

async function inspectDatabase(found: FoundDatabase, args: InspectArgs): Promise<PartitionReport> {
  const name = partitionName(found.segments);
  const report: PartitionReport = { ...name, backend: found.backend, location: found.location };
  let opened: { database: BackendDatabase; close(): Promise<void> } | undefined;
  try {
    if (found.backend === 'rocksdb') {
      const { tmpdir } = await import('node:os');
      opened = await openRocksDbSnapshot(found.directory!, args.tmpDir ?? tmpdir());
    } else {
      const slate = await openSlateDbReadOnly(found.store!, found.key!, found.location);
      report.slatedb = slate.report;
      opened = slate;
    }
    const { database } = opened;
    const offset = await database.get(METADATA_CF_NAME, CHANGELOG_OFFSET_KEY);
    report.changelogOffset = offset === undefined ? null : offset.length === 8 ? bigIntFromBytes(offset).toString() : bytesRepr(offset);
    const families = (await database.listColumnFamilies()).sort();
    report.columnFamilies = [];
    for (const cf of families) {
      let keys = 0;
      for await (const _ of database.iterate({ cf })) keys++;
      report.columnFamilies.push({ name: cf, keys });
    }
    if (args.dump) report.dump = await dump(database, args);
  } catch (error) {
    report.error = { code: (error as StreamstateError).code ?? 'ERROR', message: describeError(error) };
  } finally {
    await opened?.close().catch(() => undefined);
  }
  return report;
}

interface OpenedSlateDb {
  database: BackendDatabase;
  report: SlateDbReport;
  close(): Promise<void>;
}

/** Settings of inspect's own engine: nothing runs in the background that could rewrite the database. */
const READ_ONLY_SETTINGS = Object.freeze({ compactorOptions: null, garbageCollectorOptions: null });

async function openSlateDbReadOnly(store: ObjectStore, key: string, location: string): Promise<OpenedSlateDb> {
  const lease = await readLease(store, `${key}/${LEASE_OBJECT}`, DEFAULT_LOCK_TTL_MS);
  const now = Date.now();
  if (lease !== undefined && lease.expiresAt > now) {
    throw new SlateDBLockError(
      location,
      `The SlateDB database at "${location}" is held by a running writer (${lease.holder}; its lease expires in ` +
        `${Math.ceil((lease.expiresAt - now) / 1000)} s unless renewed). inspect does not take a lock a writer holds: ` +
        'stop the application (or revoke the partition) and run it again.',
    );
  }
  const objects: SlateDbReport['objects'] = {};
  let storedManifestId: number | undefined;
  for (const meta of await store.list(`${key}/`)) {
    const rest = meta.key.slice(key.length + 1);
    const kind = rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : rest;
    const entry = (objects[kind] ??= { count: 0, bytes: 0 });
    entry.count++;
    entry.bytes += meta.size;
    const manifest = /^manifest\/(\d+)\.manifest$/.exec(rest);
    if (manifest !== null) storedManifestId = Math.max(storedManifestId ?? 0, Number(manifest[1]));
  }
  const overlay = new OverlayObjectStore(new FailFastObjectStore(store));
  const engine = await SlateDb.open(key, { objectStore: overlay, awaitDurable: false, settings: { ...READ_ONLY_SETTINGS } });
  let summary: ManifestSummary;
  try {
    summary = engine.manifest();
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error;
  }
  const compactedBytes = summary.sortedRuns.reduce((sum, run) => sum + run.bytes, 0);
  const report: SlateDbReport = {
    manifest: {
      id: storedManifestId,
      // Opening as a writer fenced the last writer by one epoch, in the overlay only.
      writerEpoch: summary.writerEpoch - 1,
      compactorEpoch: summary.compactorEpoch,
      l0Ssts: summary.l0,
      l0Bytes: Math.max(0, (objects.compacted?.bytes ?? 0) - compactedBytes),
      sortedRuns: summary.sortedRuns,
    },
    objects,
    ...(lease === undefined
      ? {}
      : { lease: { holder: lease.holder, expiresAt: new Date(lease.expiresAt).toISOString(), expired: true } }),
  };
  const noLease = {
    assertHeld: async () => {
      throw new StreamstateError('INSPECT_READ_ONLY', 'inspect opens databases read-only; nothing can be written.');
    },
    release: async () => {},
  } as unknown as DatabaseLease;
  const database = new SlateDbDatabase({
    path: location,
    supports: { persistent: true, nativeColumnFamilies: false, multiProcess: true },
    engine,
    lease: noLease,
    families: await SlateDbDatabase.readFamilies(engine),
    awaitDurable: false,
  });
  return { database, report, close: () => database.close() };
}

/**
 * Makes every failure of the real store permanent for the engine (it retries uncoded failures
 * forever), so an unreachable store ends inspect with its error instead of a wait.
 */
class FailFastObjectStore implements ObjectStore {
  readonly #store: ObjectStore;
  constructor(store: ObjectStore) {
    this.#store = store;
  }
  put: ObjectStore['put'] = (...a) => this.#call(() => this.#store.put(...a));
  get: ObjectStore['get'] = (...a) => this.#call(() => this.#store.get(...a));
  head: ObjectStore['head'] = (...a) => this.#call(() => this.#store.head(...a));
  list: ObjectStore['list'] = (...a) => this.#call(() => this.#store.list(...a));
  delete: ObjectStore['delete'] = (...a) => this.#call(() => this.#store.delete(...a));
  copy: ObjectStore['copy'] = (...a) => this.#call(() => this.#store.copy(...a));
  async #call<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (typeof (error as { code?: unknown })?.code === 'string' && ['NotFound', 'AlreadyExists', 'Precondition', 'InvalidRange', 'InvalidArgument'].includes((error as { code: string }).code)) {
        throw error;
      }
      throw new ObjectStoreError('InvalidArgument', '', `the object store failed: ${describeError(error)}`, { cause: error });
    }
  }
}

// ---- dumping ----------------------------------------------------------------------------------

async function dump(database: BackendDatabase, args: InspectArgs): Promise<NonNullable<PartitionReport['dump']>> {
  // The prefixes to look under: none; a message key as bytes and serialized; or a JSON value serialized.
  const prefixes: (Uint8Array | undefined)[] =
    args.jsonPrefix !== undefined
      ? [jsonDumps(JSON.parse(args.jsonPrefix))]
      : args.prefix !== undefined
        ? [new TextEncoder().encode(args.prefix), jsonDumps(args.prefix)]
        : [undefined];
  const found: [Uint8Array, Uint8Array][] = [];
  for (const bare of prefixes) {
    const prefix = bare === undefined ? undefined : concat(bare, SEPARATOR);
    const bound = (text: string | undefined): Uint8Array | undefined => {
      if (text === undefined) return undefined;
      const key = jsonDumps(parseKeyArgument(text));
      return prefix === undefined ? key : concat(prefix, key);
    };
    const gte = bound(args.from) ?? prefix;
    const lt = bound(args.to) ?? (prefix === undefined ? undefined : successor(prefix));
    const range = { cf: args.cf, ...(gte === undefined ? {} : { gte }), ...(lt === undefined ? {} : { lt }), limit: args.limit + 1 };
    for await (const [key, value] of database.iterate(range)) found.push([key, value]);
  }
  found.sort((a, b) => compareBytes(a[0], b[0]));
  const entries = found.slice(0, args.limit).map(([key, value]) => decodeEntry(key, value, args.cf));
  return { cf: args.cf, entries, truncated: found.length > args.limit };
}

/** A command-line key: JSON when it parses as JSON, else the plain string. */
function parseKeyArgument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The smallest byte string greater than every string starting with `bytes`, or `undefined`. */
function successor(bytes: Uint8Array): Uint8Array | undefined {
  const out = Uint8Array.from(bytes);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++;
      return out.subarray(0, i + 1);
    }
  }
  return undefined;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function tryJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: jsonLoads(bytes) };
  } catch {
    return { ok: false };
  }
}

/**
 * Decode a stored key: one JSON value (no prefix); or `prefix | key` with the key JSON and the
 * prefix JSON (serialized by `asState(value)`) or raw bytes (a Kafka message key); a value as JSON,
 * or the changelog offset (`u64`) in the metadata family. Bytes that are not JSON are shown raw
 * (Python-style `b'...'`).
 */
function decodeEntry(key: Uint8Array, value: Uint8Array, cf: string): DumpEntry {
  const entry: DumpEntry = { prefix: undefined, key: undefined, value: undefined };
  const whole = tryJson(key);
  let decodedKey = whole.ok;
  if (whole.ok) entry.key = whole.value;
  let rawSplit: { at: number; key: unknown } | undefined;
  for (let at = key.indexOf(SEPARATOR[0]!); !decodedKey && at > 0; at = key.indexOf(SEPARATOR[0]!, at + 1)) {
    const rest = tryJson(key.subarray(at + 1));
    if (!rest.ok) continue;
    const prefix = tryJson(key.subarray(0, at));
    if (prefix.ok) {
      entry.prefix = prefix.value;
      entry.key = rest.value;
      decodedKey = true;
    } else {
      rawSplit ??= { at, key: rest.value };
    }
  }
  if (!decodedKey && rawSplit !== undefined) {
    entry.rawPrefix = bytesRepr(key.subarray(0, rawSplit.at), 256);
    entry.key = rawSplit.key;
    decodedKey = true;
  }
  if (!decodedKey) entry.rawKey = bytesRepr(key, 256);
  if (cf === METADATA_CF_NAME && value.length === 8 && !tryJson(value).ok) {
    entry.value = bigIntFromBytes(value);
    if (entry.rawKey === undefined && !whole.ok) entry.rawKey = bytesRepr(key, 256);
    return entry;
  }
  const decodedValue = tryJson(value);
  if (decodedValue.ok) entry.value = decodedValue.value;
  else entry.rawValue = bytesRepr(value, 256);
  return entry;
}

// ---- output -----------------------------------------------------------------------------------

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function show(value: unknown): string {
  return JSON.stringify(value, jsonReplacer) ?? String(value);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function formatText(root: string, reports: PartitionReport[]): string {
  const lines = [`state: ${root}`, `${reports.length} partition database(s)`, ''];
  for (const report of reports) {
    const stream = report.stream === null ? '' : `, stream "${report.stream}"`;
    lines.push(`store "${report.store}"${stream}, partition ${report.partition}  [${report.backend}]`);
    lines.push(`  location: ${report.location}`);
    if (report.error !== undefined) {
      lines.push(`  NOT INSPECTED (${report.error.code}): ${report.error.message}`, '');
      continue;
    }
    lines.push(`  changelog offset: ${report.changelogOffset ?? 'none stored'}`);
    lines.push('  column families:');
    const width = Math.max(...(report.columnFamilies ?? []).map((family) => family.name.length), 4);
    for (const family of report.columnFamilies ?? []) {
      lines.push(`    ${family.name.padEnd(width)}  ${family.keys} key${family.keys === 1 ? '' : 's'}`);
    }
    const slate = report.slatedb;
    if (slate !== undefined) {
      const m = slate.manifest;
      lines.push(`  manifest: id ${m.id ?? '?'}, writer epoch ${m.writerEpoch}, compactor epoch ${m.compactorEpoch}`);
      lines.push(`    L0: ${m.l0Ssts} SST${m.l0Ssts === 1 ? '' : 's'}, ${formatBytes(m.l0Bytes)}`);
      if (m.sortedRuns.length === 0) lines.push('    sorted runs: none');
      for (const run of m.sortedRuns) lines.push(`    sorted run ${run.id}: ${run.ssts} SST${run.ssts === 1 ? '' : 's'}, ${formatBytes(run.bytes)}`);
      lines.push(
        `  objects: ${Object.entries(slate.objects)
          .map(([kind, { count, bytes }]) => `${kind} ${count} (${formatBytes(bytes)})`)
          .join(', ')}`,
      );
      if (slate.lease !== undefined) lines.push(`  lease: expired at ${slate.lease.expiresAt} (${slate.lease.holder}; its writer stopped without releasing it)`);
    }
    if (report.dump !== undefined) {
      lines.push(`  keys in "${report.dump.cf}"${report.dump.entries.length === 0 ? ': none in the range' : ':'}`);
      for (const entry of report.dump.entries) {
        const prefix = entry.rawPrefix ?? (entry.prefix === undefined ? undefined : show(entry.prefix));
        const key = entry.rawKey ?? (prefix === undefined ? show(entry.key) : `${prefix} | ${show(entry.key)}`);
        lines.push(`    ${key} = ${entry.rawValue ?? show(entry.value)}`);
      }
      if (report.dump.truncated) lines.push(`    ... (more; raise --limit)`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function describeError(error: unknown): string {
  if (error instanceof StreamstateError) return `${error.message} [${error.code}]`;
  if (error instanceof Error) return error.message;
  return String(error);
}
