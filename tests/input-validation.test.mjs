// Issue 8, items 8 and 9: every option and location is validated when it is given, with a coded
// error that says what is wrong; validation makes nothing; credentials are never printed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import {
  BackendInvalidArgumentError,
  InvalidOptionsError,
  MemoryBackend,
  MemoryObjectStore,
  MemoryStore,
  RecoveryManager,
  S3ObjectStore,
  SlateDb,
  SlateDbBackend,
  SlateDBStore,
  SlateDbError,
  StateArgumentError,
  StateStoreManager,
  StreamstateError,
  objectStoreFromLocation,
} from 'streamstate';
import * as streamstate from 'streamstate';
import { rejectionOf, thrown } from './helpers/fixtures.mjs';

// Read from the namespace, so that the file loads (and each test fails on its own) where they are missing.
const { checkObjectStoreLocationOptions, parseObjectStoreLocation } = streamstate;

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY';

const locations = suite('validation: object store locations');

locations('S3 bucket names are checked when the location is parsed, against S3 naming rules', () => {
  for (const [location, why] of [
    ['s3://bucket with space/state', /bucket name "bucket with space" is not allowed; S3 bucket names are 3 to 63 characters/],
    ['s3://UpperCase/state', /"UpperCase" is not allowed/],
    ['s3://ab', /has 2 characters/],
    [`s3://${'a'.repeat(64)}`, /has 64 characters/],
    ['s3://my..bucket', /two adjacent periods/],
    ['s3://192.168.1.10/x', /formatted as an IP address/],
    ['s3://-leading', /is not allowed/],
    ['s3://under_score', /is not allowed/],
  ]) {
    const error = thrown(() => parseObjectStoreLocation(location));
    assert.instance(error, StreamstateError);
    assert.is(error.code, 'INVALID_OBJECT_STORE_LOCATION', location);
    assert.match(error.message, why);
    // objectStoreFromLocation and the store constructor refuse it the same way.
    assert.is(thrown(() => objectStoreFromLocation(location)).code, 'INVALID_OBJECT_STORE_LOCATION');
  }
  assert.equal(parseObjectStoreLocation('s3://my-bucket.eu/team/db'), { scheme: 's3', bucket: 'my-bucket.eu', prefix: 'team/db' });
  const constructed = thrown(() => new S3ObjectStore({ bucket: 'bucket with space' }));
  assert.is(constructed.code, 'INVALID_OBJECT_STORE_OPTIONS');
  assert.match(constructed.message, /bucket name "bucket with space" is not allowed/);
});

locations('credentials in a location are refused, saying where they go, and the secret is never repeated', () => {
  for (const location of [`s3://AKIAEXAMPLE:${SECRET}@bucket/state`, `s3://user:${SECRET}@bucket`, `memory://user:${SECRET}@name`, `file://user:${SECRET}@localhost/x`]) {
    const error = thrown(() => parseObjectStoreLocation(location));
    assert.is(error.code, 'INVALID_OBJECT_STORE_LOCATION');
    assert.match(error.message, /credentials do not go in the location: give them in objectStoreOptions\.s3\.clientConfig\.credentials/);
    for (const printed of [error.message, inspect(error), String(error.stack)]) {
      assert.not.ok(printed.includes(SECRET), `the secret is not printed: ${printed}`);
      assert.not.ok(printed.includes('SECRETKEY'), 'not even a part of it');
    }
    assert.match(error.message, /<credentials removed>@/);
  }
});

locations('a NUL character in a location or state directory is refused', async () => {
  for (const location of ['file:///var/state\0x', 'file:///var/state%00x', 'memory://a\0b', 's3://bucket/a\0b']) {
    const error = thrown(() => parseObjectStoreLocation(location));
    assert.is(error.code, 'INVALID_OBJECT_STORE_LOCATION');
    assert.match(error.message, /contains a NUL character/);
  }
  for (const stateDir of ['file:///var/state\0x', '/var/state\0x']) {
    const error = thrown(() => new StateStoreManager({ stateDir, backend: 'slatedb' }));
    assert.instance(error, InvalidOptionsError);
    assert.match(error.message, /NUL character/);
  }
  const error = thrown(() => new SlateDBStore({ name: 's', stateDir: 'file:///var/state\0x' }));
  assert.instance(error, InvalidOptionsError);
  const backendError = await rejectionOf(new SlateDbBackend({ objectStore: new MemoryObjectStore() }).open('db\0x'));
  assert.instance(backendError, BackendInvalidArgumentError);
  assert.match(backendError.message, /contains a NUL character/);
});

// Validation parses only (options.ts and slatedb-settings.ts call parseObjectStoreLocation, never
// objectStoreFromLocation); that no store is made is not observable from outside, so this checks
// what is: the named store the location means is empty at its first use and shared after it.
locations('validating a memory://name location leaves the named store to its first use: empty, then shared', async () => {
  const name = `validation-${Date.now()}`;
  // A store whose options are checked (at construction) but which never opens a partition.
  new SlateDBStore({ name: 's', stateDir: '/tmp/unused', options: { objectStore: `memory://${name}` } });
  new SlateDbBackend({ objectStore: `memory://${name}` });
  parseObjectStoreLocation(`memory://${name}`);
  const store = objectStoreFromLocation(`memory://${name}`);
  assert.equal(await store.list(''), [], 'the named store is first made here, empty');
  await store.put('k', new Uint8Array([1]));
  assert.is(objectStoreFromLocation(`memory://${name}`), store, 'and only then registered');
});

locations('unknown objectStoreOptions fields are refused where they are given', async () => {
  for (const [options, why] of [
    [{ s4: {} }, /unknown field "s4"; the known fields are file, s3/],
    [{ s3: { region: 'eu-west-1' } }, /\.s3 has the unknown field "region".*go in clientConfig/],
    [{ file: { fsnyc: false } }, /\.file has the unknown field "fsnyc"; the known fields are fs, fsync, lockStaleMs/],
    [{ s3: { clientConfig: 'eu-west-1' } }, /\.s3\.clientConfig must be an object/],
    [{ s3: { copyIfNotExists: 'yes' } }, /copyIfNotExists must be 'get-and-put' or 'copy-object'/],
    [{ file: { fsync: 'no' } }, /\.file\.fsync must be a boolean/],
    [[], /must be an object/],
  ]) {
    assert.match(checkObjectStoreLocationOptions(options) ?? '', why);
    const storeError = thrown(() => new SlateDBStore({ name: 's', stateDir: '/tmp/unused', options: { objectStore: 'memory://', objectStoreOptions: options } }));
    assert.instance(storeError, InvalidOptionsError);
    assert.match(storeError.message, /^slatedbOptions\.objectStoreOptions /);
    assert.match(storeError.message, why);
    const backendError = thrown(() => new SlateDbBackend({ objectStoreOptions: options }));
    assert.instance(backendError, BackendInvalidArgumentError);
    assert.match(backendError.message, why);
    const locationError = thrown(() => objectStoreFromLocation('memory://', options));
    assert.is(locationError.code, 'INVALID_OBJECT_STORE_OPTIONS');
  }
  assert.is(checkObjectStoreLocationOptions({ s3: { clientConfig: { region: 'x' } }, file: { fsync: false } }), undefined);
  const unknownS3 = thrown(() => new S3ObjectStore({ bucket: 'my-bucket', region: 'eu-west-1' }));
  assert.is(unknownS3.code, 'INVALID_OBJECT_STORE_OPTIONS');
  assert.match(unknownS3.message, /unknown option "region"/);
});

locations('a location objectStore with credentials is refused by the store and the manager without echoing them', async () => {
  const location = `s3://user:${SECRET}@bucket/state`;
  for (const make of [
    () => new SlateDBStore({ name: 's', stateDir: '/tmp/unused', options: { objectStore: location } }),
    () => new StateStoreManager({ backend: 'slatedb', stateDir: location }),
    () => new SlateDbBackend({ objectStore: location }),
  ]) {
    const error = thrown(make);
    assert.ok(error instanceof InvalidOptionsError || error instanceof BackendInvalidArgumentError, String(error));
    assert.match(error.message, /credentials do not go in the location/);
    assert.not.ok(inspect(error).includes(SECRET), inspect(error));
  }
  // A partition path naming an s3 store with credentials, the secret holding "/" as AWS secrets do.
  const backend = new SlateDbBackend();
  for (const dbPath of [`s3://user:${SECRET}@bucket/db`, `memory://user:${SECRET}@name/db`]) {
    const error = await rejectionOf(backend.open(dbPath));
    assert.instance(error, BackendInvalidArgumentError);
    assert.match(error.message, /holds credentials; they do not go in a path or location/);
    for (const part of SECRET.split('/')) assert.not.ok(inspect(error).includes(part), inspect(error));
  }
});

const engine = suite('validation: SlateDb.open and writes');

engine('SlateDb.open refuses unknown options, a non-boolean awaitDurable and a cacheBytes that is not a whole byte count', async () => {
  const objectStore = new MemoryObjectStore();
  for (const [options, why] of [
    [{ objectStore, awaitDurabel: false }, /unknown option "awaitDurabel" of SlateDb\.open; the options are objectStore, settings, awaitDurable, cacheBytes/],
    [{ objectStore, flushInterval: 10 }, /unknown option "flushInterval".*settings/],
    [{ objectStore, awaitDurable: 'no' }, /awaitDurable must be true or false, got "no"/],
    [{ objectStore, awaitDurable: 0 }, /awaitDurable must be true or false/],
    [{ objectStore, cacheBytes: 1.5 }, /cacheBytes must be a whole, non-negative number of bytes/],
    [{ objectStore, cacheBytes: 1e300 }, /cacheBytes must be a whole/],
    [{ objectStore, cacheBytes: -1 }, /cacheBytes must be a whole/],
    [{ objectStore, cacheBytes: '64MiB' }, /cacheBytes must be a whole/],
  ]) {
    let error;
    try {
      // An open that should have been refused is closed again, so the file cannot keep running.
      await (await SlateDb.open('db', options)).close();
    } catch (caught) {
      error = caught;
    }
    assert.instance(error, SlateDbError, `refused: ${inspect(options)}`);
    assert.is(error.code, 'INVALID_ARGUMENT');
    assert.match(error.message, why);
  }
  assert.equal(await objectStore.list(''), [], 'nothing was written');
  const db = await SlateDb.open('db', { objectStore, awaitDurable: false, cacheBytes: 0 });
  try {
    const key = new Uint8Array([1]);
    for (const call of [() => db.put(key, key, { awaitDurable: 'no' }), () => db.delete(key, { awaitDurable: 1 }), () => db.put(key, key, { durable: true })]) {
      const error = await rejectionOf(call());
      assert.is(error.code, 'INVALID_ARGUMENT');
    }
    assert.is(await db.get(key), undefined, 'the refused put wrote nothing');
  } finally {
    await db.close();
  }
});

const state = suite('validation: state layer');

state('new StateStoreManager(null) and other non-objects are an InvalidOptionsError, not a TypeError', () => {
  for (const options of [null, 'state', 42, []]) {
    const error = thrown(() => new StateStoreManager(options));
    assert.instance(error, InvalidOptionsError);
    assert.is(error.code, 'INVALID_OPTIONS');
    assert.match(error.message, /StateStoreManager options must be an object such as \{ stateDir/);
  }
});

state('prepare() takes an object of topic -> integer offset; getMany() takes an array of keys', async () => {
  const store = new MemoryStore({ name: 'validation', stateDir: 'validation', backend: new MemoryBackend() });
  await store.assignPartition(0);
  try {
    for (const [offsets, why] of [
      ['x', /processedOffsets must be an object \(or a Map\) of \{topic: offset\}.*got "x"/],
      [42, /got number 42/],
      [['orders', 1], /got an array/],
      [{ orders: '12' }, /the offset of "orders" is "12"/],
      [{ orders: 1.5 }, /the offset of "orders" is number 1\.5/],
      [new Map([['orders', NaN]]), /the offset of "orders" is number NaN/],
    ]) {
      const tx = store.startPartitionTransaction(0);
      tx.asState('k').set('a', 1);
      const error = await rejectionOf(tx.prepare(offsets));
      assert.instance(error, StateArgumentError);
      assert.is(error.code, 'STATE_INVALID_ARGUMENT');
      assert.match(error.message, why);
      // Nothing changed: the same transaction can still be prepared and flushed.
      await tx.prepare({ orders: 1 });
      await tx.flush();
    }
    const tx = store.startPartitionTransaction(0);
    for (const keys of ['abc', undefined, { 0: 'a', length: 1 }, 7]) {
      const error = await rejectionOf(tx.asState('k').getMany(keys));
      assert.instance(error, StateArgumentError);
      assert.match(error.message, /getMany\(\) takes an array of keys/);
    }
    assert.equal(await tx.asState('k').getMany(['a', 'b']), [1, undefined]);
  } finally {
    await store.close();
  }
});

state('recoverFromChangelogMessages() takes { durable } as a boolean, and writes nothing otherwise', async () => {
  const store = new MemoryStore({ name: 'validation', stateDir: 'validation-recover', backend: new MemoryBackend() });
  const partition = await store.assignPartition(0);
  try {
    for (const durable of ['no', 0, 1]) {
      const error = await rejectionOf(partition.recoverFromChangelogMessages([], {}, { durable }));
      assert.instance(error, StateArgumentError, String(durable));
      assert.match(error.message, /options\.durable must be true or false/);
    }
    assert.equal(await partition.recoverFromChangelogMessages([], {}, { durable: false }), []);
    assert.is(await partition.getChangelogOffset(), undefined, 'nothing was written');
  } finally {
    await store.close();
  }
});

const secrets = suite('secrets: never printed');

secrets('inspect and JSON.stringify of a store, its options and its manager hide the S3 credentials', async () => {
  const clientConfig = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET, sessionToken: `token-${SECRET}` } };
  const slatedbOptions = { objectStore: 's3://my-bucket/state', objectStoreOptions: { s3: { clientConfig } } };
  const manager = new StateStoreManager({ stateDir: '/tmp/unused', groupId: 'app', backend: 'slatedb', slatedbOptions });
  const store = manager.registerStore('topic', 'totals');
  const direct = new SlateDBStore({ name: 's', stateDir: '/tmp/unused', options: slatedbOptions });
  for (const printed of [
    inspect(store, { depth: Infinity, showHidden: false }),
    inspect(direct, { depth: Infinity }),
    inspect(store.options, { depth: Infinity }),
    inspect(store.options.objectStoreOptions, { depth: Infinity }),
    inspect(manager, { depth: Infinity }),
    JSON.stringify(store),
    JSON.stringify(store.options),
    JSON.stringify(direct.options.objectStoreOptions),
    String(store.options.objectStoreOptions),
  ]) {
    assert.not.ok(printed.includes(SECRET), `the secret is not printed:\n${printed}`);
    assert.not.ok(printed.includes('SECRETKEY'));
  }
  assert.match(inspect(store.options, { depth: Infinity }), /credentials: '\[redacted\]'/);
  assert.match(JSON.stringify(store.options), /"region":"eu-west-1"/, 'what is not secret stays visible');
  // The options still work: the store's backend gets the real credentials.
  assert.is(store.options.objectStoreOptions.s3.clientConfig.credentials.secretAccessKey, SECRET);
  const s3 = new S3ObjectStore({ bucket: 'my-bucket', clientConfig });
  assert.not.ok(inspect(s3, { depth: Infinity }).includes(SECRET));
  assert.not.ok(JSON.stringify(s3).includes(SECRET));
});

const recovery = suite('validation: RecoveryManager options');

recovery('millisecond options must be numbers of milliseconds; durableEveryMs may be 0', () => {
  for (const [name, bad] of [['durableEveryMs', -1], ['durableEveryMs', '5000'], ['stuckAfterMs', 0], ['progressIntervalMs', Number.NaN]]) {
    const error = thrown(() => new RecoveryManager({ [name]: bad }));
    assert.is(error.code, 'APPLICATION_ERROR', `${name}: ${String(bad)}`);
    assert.match(error.message, name);
  }
  new RecoveryManager({ durableEveryMs: 0, stuckAfterMs: 1000, progressIntervalMs: 250 });
});

locations.run();
engine.run();
state.run();
secrets.run();
recovery.run();
