// S3ObjectStore against a real S3-compatible server (MinIO on 127.0.0.1, started here by
// scripts/s3-server.sh with its own temporary state directory, stopped when this file ends).
// The whole file is skipped, loudly and counted, only if the script reports (exit status 3) that it
// cannot install a server on this machine.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  CopyObjectCommand,
  GetObjectCommand,
} from '@aws-sdk/client-s3';
import { S3ObjectStore, objectStoreFromLocation } from 'streamstate';
import { objectStoreSuite } from './conformance/object-store-suite.mjs';
import { skipLoudly, startS3Server } from './helpers/s3-server.mjs';
import { bytes, text } from './conformance/support.mjs';

const server = startS3Server();
if (server === undefined) skipLoudly(suite, 'S3ObjectStore');
else await runAgainstServer(server.clientConfig);

async function runAgainstServer(clientConfig) {
  const client = new S3Client(clientConfig);
  const bucket = 'streamstate-tests';
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  let stores = 0;
  const freshPrefix = () => `run-${Date.now().toString(36)}-${++stores}/`;

  const conformance = suite('S3ObjectStore (MinIO)');
  objectStoreSuite(conformance, assert, async () => ({
    store: new S3ObjectStore({ bucket, prefix: freshPrefix(), client }),
    cleanup: async () => {},
  }));
  conformance.run();

  const s3 = suite('S3ObjectStore specifics (MinIO)');

  s3('the server enforces conditional writes (If-None-Match: * and If-Match on PutObject)', async () => {
    const key = `${freshPrefix()}raw`;
    const first = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes('a'), IfNoneMatch: '*' }));
    const status = async (input) => {
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes('b'), ...input }));
        return 200;
      } catch (error) {
        return error.$metadata?.httpStatusCode;
      }
    };
    assert.is(await status({ IfNoneMatch: '*' }), 412, 'If-None-Match: * on an existing key is refused');
    assert.is(await status({ IfMatch: '"0123456789abcdef0123456789abcdef"' }), 412, 'If-Match with a wrong etag is refused');
    assert.is(await status({ IfMatch: first.ETag }), 200, 'If-Match with the current etag succeeds');
    const body = await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body.transformToString();
    assert.is(body, 'b');
  });

  s3('copy with copyIfNotExists: "copy-object" (server-side CopyObject with If-None-Match)', async () => {
    const prefix = freshPrefix();
    // Only meaningful if the server honours If-None-Match on CopyObject; probe it raw first.
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}probe-src`, Body: bytes('new') }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}probe-dst`, Body: bytes('old') }));
    let outcome = 'copied';
    try {
      await client.send(
        new CopyObjectCommand({ Bucket: bucket, Key: `${prefix}probe-dst`, CopySource: `${bucket}/${prefix}probe-src`, IfNoneMatch: '*' }),
      );
    } catch (error) {
      outcome = error.$metadata?.httpStatusCode;
    }
    const honoured = outcome === 412;
    const probed = await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}probe-dst` }))).Body.transformToString();
    if (outcome === 'copied') {
      // The server ignored the header and overwrote: why 'get-and-put' is the default.
      assert.is(probed, 'new');
      console.log('    (this server IGNORES If-None-Match on CopyObject and overwrites)');
    } else {
      assert.is(probed, 'old', `a refused copy (status ${outcome}) leaves the target`);
      console.log(`    (this server refuses CopyObject with If-None-Match: * onto an existing key: ${outcome})`);
    }
    const store = new S3ObjectStore({ bucket, prefix, client, copyIfNotExists: 'copy-object' });
    await store.put('src', bytes('payload'), { metadata: { m: '1' } });
    await store.copy('src', 'fresh', { ifNotExists: true });
    assert.is(text((await store.get('fresh')).data), 'payload');
    assert.equal((await store.head('fresh')).metadata, { m: '1' });
    if (honoured) {
      await store.put('kept', bytes('keep'));
      try {
        await store.copy('src', 'kept', { ifNotExists: true });
        assert.unreachable('copy onto an existing key must fail');
      } catch (error) {
        assert.is(error.code, 'AlreadyExists', error.message);
      }
      assert.is(text((await store.get('kept')).data), 'keep');
    }
  });

  s3('listing pages past 1000 objects and stays inside the store prefix', async () => {
    const prefix = freshPrefix();
    const store = new S3ObjectStore({ bucket, prefix, client });
    const neighbour = new S3ObjectStore({ bucket, prefix: `${prefix.slice(0, -1)}-neighbour`, client });
    const count = 1105;
    const keys = Array.from({ length: count }, (_, i) => `k/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < count; i += 48) {
      await Promise.all(keys.slice(i, i + 48).map((key) => store.put(key, bytes(key))));
    }
    await neighbour.put('k/00000', bytes('not mine'));
    const listed = await store.list('k/');
    assert.is(listed.length, count, 'every page is read');
    assert.equal(listed.map((m) => m.key), keys, 'in order, without the store prefix');
    const after = await store.list('k/', { offset: 'k/01000' });
    assert.equal(after.map((m) => m.key), keys.slice(1001), 'offset works across pages');
    assert.equal((await neighbour.list('')).map((m) => m.key), ['k/00000'], 'stores under other prefixes are separate');
  });

  s3('an s3:// location reaches the same server', async () => {
    const prefix = freshPrefix();
    const store = objectStoreFromLocation(`s3://${bucket}/${prefix}`, { s3: { clientConfig } });
    await store.put('via-location', bytes('hello'));
    const direct = new S3ObjectStore({ bucket, prefix, client });
    assert.is(text((await direct.get('via-location')).data), 'hello');
    await store.close();
  });

  s3('a missing bucket is reported as such, not as a missing object', async () => {
    const store = new S3ObjectStore({ bucket: 'no-such-bucket-here', client });
    for (const call of [() => store.get('k'), () => store.delete('k'), () => store.put('k', bytes('x'))]) {
      try {
        await call();
        assert.unreachable('must fail');
      } catch (error) {
        assert.is(error.code, 'S3_NO_SUCH_BUCKET', `${error.name}: ${error.message}`);
        assert.is(error.s3Error, 'NoSuchBucket');
      }
    }
  });

  s3.after(() => client.destroy());
  s3.run();
}
