// Issue 8, item 7 (S3) and 9: S3 failures that are not the contract's answers (wrong or missing
// credentials, a missing bucket, an unreachable endpoint, no region) are S3StoreErrors with stable
// codes and a message saying what to check, without the secret; a SlateDB partition on S3 fails to
// open with that error at once. Against a real S3-compatible server (MinIO, scripts/s3-server.sh).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import * as streamstate from 'streamstate';
import { S3ObjectStore, SlateDbBackend, StateStoreManager, StreamstateError } from 'streamstate';
import { skipLoudly, startS3Server } from './helpers/s3-server.mjs';
import { captureLogger } from './helpers/state-logger.mjs';
import { within } from './helpers/deadline.mjs';
import { rejectionOf, thrown } from './helpers/fixtures.mjs';
import { bytes } from './conformance/support.mjs';

const { S3StoreError } = streamstate;
const SECRET = 'wrong-secret-Zq8/K7MDENG+bPxRfiCYEXAMPLEKEY';

/** The rejection of `promise` (within 30 s), failing the test when it resolves. */
const failureOf = (promise, what) => rejectionOf(within(30_000, promise, what), what);

/** A TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function assertNoSecret(error, ...more) {
  for (const printed of [error.message, String(error), inspect(error, { depth: Infinity }), ...more]) {
    assert.not.ok(printed.includes(SECRET), `the secret is not printed:\n${printed}`);
  }
}

const server = startS3Server();
if (server === undefined) skipLoudly(suite, 'S3 errors');
else await runAgainstServer(server.clientConfig);

async function runAgainstServer(clientConfig) {
  const client = new S3Client(clientConfig);
  const bucket = 'streamstate-errors';
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const wrongSecret = { ...clientConfig, credentials: { accessKeyId: clientConfig.credentials.accessKeyId, secretAccessKey: SECRET } };
  const unknownKey = { ...clientConfig, credentials: { accessKeyId: 'NOSUCHACCESSKEY', secretAccessKey: SECRET } };

  const s3 = suite('S3 errors (MinIO)');

  s3('a wrong secret or an unknown access key: S3_ACCESS_DENIED on every method, saying to check the credentials, without the secret', async () => {
    for (const config of [wrongSecret, unknownKey]) {
      const store = new S3ObjectStore({ bucket, prefix: 'denied/', clientConfig: config });
      for (const [method, call] of [
        ['put', () => store.put('k', bytes('v'))],
        ['get', () => store.get('k')],
        ['head', () => store.head('k')],
        ['list', () => store.list('')],
        ['delete', () => store.delete('k')],
        ['copy', () => store.copy('k', 'k2')],
      ]) {
        const error = await failureOf(call(), method);
        assert.instance(error, S3StoreError, `${method}: ${error}`);
        assert.instance(error, StreamstateError);
        assert.is(error.code, 'S3_ACCESS_DENIED', `${method}: ${error.message}`);
        assert.is(error.bucket, bucket);
        assert.is(error.retryable, false, 'fix the configuration first');
        assert.match(error.message, new RegExp(`^S3 ${method} of ${method === 'list' ? 'prefix ""' : '"k"'} in bucket "${bucket}" at http://127\\.0\\.0\\.1:\\d+ was refused: access denied \\(${method === 'head' ? '\\w+' : '(SignatureDoesNotMatch|InvalidAccessKeyId)'}: `));
        assert.match(error.message, /Check the credentials \(objectStoreOptions\.s3\.clientConfig\.credentials, or AWS_ACCESS_KEY_ID/);
        assert.ok(error.message.length < 600, 'a message, not a dump');
        assertNoSecret(error);
      }
      await store.close();
    }
  });

  s3('a missing bucket: S3_NO_SUCH_BUCKET naming it, and what to do', async () => {
    const store = new S3ObjectStore({ bucket: 'no-such-bucket-here', clientConfig });
    for (const [method, call] of [['put', () => store.put('k', bytes('v'))], ['get', () => store.get('k')], ['list', () => store.list('')]]) {
      const error = await failureOf(call(), method);
      assert.instance(error, S3StoreError);
      assert.is(error.code, 'S3_NO_SUCH_BUCKET', `${method}: ${error.message}`);
      assert.match(error.message, /the bucket "no-such-bucket-here" does not exist there\. Create the bucket, or fix its name/);
    }
    await store.close();
  });

  s3('an unreachable or silent endpoint: S3_UNREACHABLE naming the endpoint; missing region: S3_MISCONFIGURED', async () => {
    const port = await closedPort();
    const down = new S3ObjectStore({ bucket, clientConfig: { ...wrongSecret, endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 } });
    const error = await failureOf(down.put('k', bytes('v')), 'put to a closed port');
    assert.instance(error, S3StoreError);
    assert.is(error.code, 'S3_UNREACHABLE', error.message);
    assert.is(error.retryable, true);
    assert.match(error.message, new RegExp(`at http://127\\.0\\.0\\.1:${port} failed: the endpoint cannot be reached \\(.*ECONNREFUSED`));
    assert.match(error.message, /Check the endpoint \(objectStoreOptions\.s3\.clientConfig\.endpoint\)/);
    assertNoSecret(error);
    await down.close();

    // An endpoint that accepts the connection and never answers: the request limit ends the wait.
    const sockets = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const stalled = new S3ObjectStore({
        bucket,
        requestTimeoutMs: 300,
        clientConfig: { ...clientConfig, endpoint: `http://127.0.0.1:${silent.address().port}`, maxAttempts: 1 },
      });
      const timedOut = await failureOf(stalled.head('k'), 'head on a silent endpoint');
      assert.instance(timedOut, S3StoreError);
      assert.is(timedOut.code, 'S3_UNREACHABLE', timedOut.message);
      assert.match(timedOut.message, /failed: no answer within 300 ms \(requestTimeoutMs\)/);
      await stalled.close();
      assert.is(thrown(() => new S3ObjectStore({ bucket, requestTimeoutMs: -1 })).code, 'INVALID_OBJECT_STORE_OPTIONS');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }

    const savedRegion = [process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION];
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      const { region, ...withoutRegion } = clientConfig;
      const noRegion = new S3ObjectStore({ bucket, clientConfig: withoutRegion });
      const misconfigured = await failureOf(noRegion.put('k', bytes('v')), 'put without a region');
      assert.instance(misconfigured, S3StoreError);
      assert.is(misconfigured.code, 'S3_MISCONFIGURED', misconfigured.message);
      assert.match(misconfigured.message, /Region is missing.*Set objectStoreOptions\.s3\.clientConfig\.region \(or AWS_REGION/);
      await noRegion.close();
    } finally {
      if (savedRegion[0] !== undefined) process.env.AWS_REGION = savedRegion[0];
      if (savedRegion[1] !== undefined) process.env.AWS_DEFAULT_REGION = savedRegion[1];
    }
  });

  s3('a SlateDB partition on S3 with wrong credentials fails to open at once with S3_ACCESS_DENIED; nothing logged holds the secret', async () => {
    const log = captureLogger();
    const backend = new SlateDbBackend({ objectStore: `s3://${bucket}/backend`, objectStoreOptions: { s3: { clientConfig: wrongSecret } }, logger: log.logger });
    const error = await failureOf(backend.open('db'), 'backend open');
    assert.is(error.code, 'S3_ACCESS_DENIED', error.message);
    assertNoSecret(error, ...log.lines.map((line) => line.message));

    const manager = new StateStoreManager({
      stateDir: `s3://${bucket}/state`,
      groupId: 'app',
      backend: 'slatedb',
      slatedbOptions: { objectStoreOptions: { s3: { clientConfig: { ...unknownKey, maxAttempts: 1 } } }, openMaxRetries: 1 },
      logger: log.logger,
    });
    manager.registerStore('topic', 'totals');
    const managerError = await failureOf(manager.onPartitionAssign('topic', 0), 'partition assign');
    assert.is(managerError.code, 'S3_ACCESS_DENIED', managerError.message);
    assertNoSecret(managerError, ...log.lines.map((line) => line.message), inspect(manager, { depth: Infinity }));
    await manager.close();
  });

  s3.after(() => client.destroy());
  s3.run();
}
