// Issue 8: an S3 failure that retrying cannot fix (S3StoreError with `retryable: false`: wrong
// credentials, a missing bucket) is not retried by the engine: SlateDb.open fails at once with the
// store's code (S3_ACCESS_DENIED, S3_NO_SUCH_BUCKET) instead of retrying objectStoreMaxRetries
// times and ending with UNAVAILABLE. Retries are counted from the store's calls and the engine's
// warn lines (one per transient failure). Against a real S3-compatible server (MinIO).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3ObjectStore, SlateDb, StreamstateError } from 'streamstate';
import { within } from './helpers/deadline.mjs';
import { skipLoudly, startS3Server } from './helpers/s3-server.mjs';
import { captureLogger } from './helpers/state-logger.mjs';

/** `store` with every call counted by method and key. */
function counted(store) {
  const calls = new Map();
  const wrapper = {};
  for (const method of ['put', 'get', 'head', 'list', 'delete', 'copy']) {
    wrapper[method] = (...args) => {
      const call = `${method}(${JSON.stringify(args[0])})`;
      calls.set(call, (calls.get(call) ?? 0) + 1);
      return store[method](...args);
    };
  }
  return { store: wrapper, calls };
}

const server = startS3Server();
if (server === undefined) skipLoudly(suite, 'S3 refusals are not retried');
else await run(server.clientConfig);

async function run(clientConfig) {
  const client = new S3Client(clientConfig);
  const bucket = 'streamstate-refused';
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error) => {
    if (error.name !== 'BucketAlreadyOwnedByYou') throw error;
  });
  const wrongSecret = { ...clientConfig, credentials: { accessKeyId: clientConfig.credentials.accessKeyId, secretAccessKey: 'not-the-secret' } };
  const test = suite('S3 refusals are not retried by the engine (MinIO)');

  for (const [what, options, code] of [
    ['wrong credentials', { bucket, prefix: 'refused/', clientConfig: wrongSecret }, 'S3_ACCESS_DENIED'],
    ['a missing bucket', { bucket: 'no-such-bucket-for-slatedb', clientConfig }, 'S3_NO_SUCH_BUCKET'],
  ]) {
    test(`${what}: SlateDb.open fails with ${code}, the refused call made once, no retry logged`, () =>
      within(30_000, (async () => {
        const s3 = new S3ObjectStore(options);
        const { store, calls } = counted(s3);
        const log = captureLogger();
        let error;
        try {
          const db = await SlateDb.open('db', { objectStore: store, logger: log.logger, settings: { objectStoreMaxRetries: 20 } });
          await db.close();
        } catch (caught) {
          error = caught;
        }
        assert.instance(error, StreamstateError, String(error));
        assert.is(error.code, code, error.message);
        assert.match(error.message, /not retried/);
        assert.equal(log.matching('warn', /Treated as transient/), [], 'no retry logged');
        const repeated = [...calls].filter(([, count]) => count > 1);
        assert.equal(repeated, [], `no call repeated: ${[...calls].map(([call, count]) => `${call} x${count}`).join(', ')}`);
        assert.ok(calls.size >= 1, 'the store was called');
        await s3.close();
      })(), what),
    );
  }

  test.after(() => client.destroy());
  test.run();
}
