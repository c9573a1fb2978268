// Location strings: memory://, memory://name, file:///path, s3://bucket/prefix, and the error for the rest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Volume, createFsFromVolume } from 'memfs';
import {
  objectStoreFromLocation,
  OBJECT_STORE_SCHEMES,
  MemoryObjectStore,
  LocalFileObjectStore,
  S3ObjectStore,
  StreamstateError,
} from 'streamstate';
import { bytes } from './conformance/support.mjs';

test('memory:// makes a fresh store each time', async () => {
  const a = objectStoreFromLocation('memory://');
  const b = objectStoreFromLocation('memory://');
  assert.instance(a, MemoryObjectStore);
  assert.ok(a !== b);
  await a.put('k', bytes('x'));
  assert.equal(await b.list(''), [], 'a fresh store is empty');
});

test('memory://name is one shared store per name', async () => {
  const a = objectStoreFromLocation('memory://shared-test');
  const again = objectStoreFromLocation('memory://shared-test/');
  const other = objectStoreFromLocation('memory://other-test');
  assert.is(a, again);
  assert.ok(a !== other);
  await a.put('k', bytes('x'));
  assert.equal((await again.list('')).map((m) => m.key), ['k']);
  assert.equal(await other.list(''), []);
});

test('file:///path makes a local-file store rooted there, with file options', async () => {
  const store = objectStoreFromLocation('file:///var/lib/my%20app/state');
  assert.instance(store, LocalFileObjectStore);
  assert.is(store.root, '/var/lib/my app/state');
  assert.is(objectStoreFromLocation('file://localhost/srv/x').root, '/srv/x');
  assert.is(objectStoreFromLocation('file:///C:/data/x').root, 'C:/data/x');
  const vol = new Volume();
  const inMemory = objectStoreFromLocation('file:///objects', { file: { fs: createFsFromVolume(vol) } });
  await inMemory.put('a', bytes('x'));
  assert.ok(Object.keys(vol.toJSON()).includes('/objects/a'), 'the fs option is passed through');
});

test('s3://bucket/prefix makes an S3 store with the s3 options', () => {
  const store = objectStoreFromLocation('s3://my-bucket/team/db', { s3: { clientConfig: { region: 'eu-west-1' } } });
  assert.instance(store, S3ObjectStore);
  assert.is(store.bucket, 'my-bucket');
  assert.is(store.prefix, 'team/db/');
  const bare = objectStoreFromLocation('s3://bucket-only');
  assert.is(bare.bucket, 'bucket-only');
  assert.is(bare.prefix, '');
});

test('unknown schemes and malformed locations name the valid forms', () => {
  assert.equal([...OBJECT_STORE_SCHEMES], ['memory', 'file', 's3']);
  for (const location of ['gs://bucket', 'relative/path', '', 'file://remote-host/x', 'file://', 's3://', 's3:///prefix']) {
    try {
      objectStoreFromLocation(location);
      assert.unreachable(`${JSON.stringify(location)} must be refused`);
    } catch (error) {
      assert.instance(error, StreamstateError);
      assert.is(error.code, 'INVALID_OBJECT_STORE_LOCATION');
      assert.match(error.message, 'memory://, file://, s3://');
    }
  }
});

test.run();
