// Log lines name a partition that lives in S3 by its S3 location (s3://bucket/prefix/...), never
// by the local state-directory path it would have on disk: the "opened" line, and the warn line of
// each lock wait (a second opener of a partition another manager holds). Real MinIO.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { LocalFileObjectStore, S3ObjectStore, StateStoreManager } from 'streamstate';
import { withTemporaryDirectory } from './helpers/fixtures.mjs';
import { startS3Server, skipLoudly } from './helpers/s3-server.mjs';
import { withDeadline } from './helpers/deadline.mjs';

const server = startS3Server();
if (!server) {
  skipLoudly(suite, 's3-log-locations');
} else {
  const BUCKET = 'log-locations';
  const client = new S3Client(server.clientConfig);
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  client.destroy();
  const s = suite('logs: S3 partitions by their S3 location');

  const capture = () => {
    const lines = [];
    const keep = (level) => (message) => lines.push(`${level}: ${message}`);
    return { lines, logger: { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') } };
  };
  const options = (prefix, logger, extra = {}) => ({
    stateDir: '/srv/local-state-dir',
    groupId: 'g',
    backend: 'slatedb',
    logger,
    slatedbOptions: { objectStore: `s3://${BUCKET}/${prefix}`, objectStoreOptions: { s3: { clientConfig: server.clientConfig } }, ...extra },
  });

  s('objectStore s3://bucket/prefix: the opened line and each lock wait (warn) name s3://bucket/prefix/<store>/<stream>/<partition>', () =>
    withDeadline(120_000, 'lock wait on S3', async () => {
      const prefix = `held-${Date.now()}`;
      const holder = capture();
      const first = new StateStoreManager(options(prefix, holder.logger));
      first.registerStore('t', 'counts');
      await first.onPartitionAssign('t', 0);
      const waiter = capture();
      const second = new StateStoreManager(options(prefix, waiter.logger, { openMaxRetries: 2, openRetryBackoffMs: 100 }));
      second.registerStore('t', 'counts');
      try {
        const error = await second.onPartitionAssign('t', 0).then(() => undefined, (e) => e);
        assert.ok(error, 'the second opener cannot take the partition');
        const where = `path="s3://${BUCKET}/${prefix}/counts/t/0"`;
        assert.ok(holder.lines.some((line) => line.startsWith('info: Opened slatedb partition.') && line.includes(where)), holder.lines.join('\n'));
        const waits = waiter.lines.filter((line) => line.startsWith('warn: Failed to open slatedb partition, cannot acquire a lock'));
        assert.is(waits.length, 1, waiter.lines.join('\n'));
        assert.ok(waits[0].includes(where), waits[0]);
        assert.not.match([...holder.lines, ...waiter.lines].join('\n'), '/srv/local-state-dir');
      } finally {
        await second.close();
        await first.close();
      }
    }),
  );

  s('an ObjectStore instance is named by its location: S3ObjectStore as s3://bucket/prefix, LocalFileObjectStore as its directory', () =>
    withDeadline(120_000, 'open with store instances', () =>
      withTemporaryDirectory('streamstate-log-location-', async (dir) => {
        const prefix = `instance-${Date.now()}`;
        const s3 = new S3ObjectStore({ bucket: BUCKET, prefix: `${prefix}/`, clientConfig: server.clientConfig });
        const local = new LocalFileObjectStore(`${dir}/objects`);
        assert.is(s3.location, `s3://${BUCKET}/${prefix}`);
        assert.is(local.location, `${dir}/objects`);
        for (const [objectStore, where] of [[s3, `path="s3://${BUCKET}/${prefix}/counts/t/0"`], [local, `path="${dir}/objects/counts/t/0"`]]) {
          const log = capture();
          const manager = new StateStoreManager({ stateDir: '/srv/local-state-dir', groupId: 'g', backend: 'slatedb', logger: log.logger, slatedbOptions: { objectStore } });
          manager.registerStore('t', 'counts');
          try {
            await manager.onPartitionAssign('t', 0);
            assert.ok(log.lines.some((line) => line.startsWith('info: Opened slatedb partition.') && line.includes(where)), `${where}\n${log.lines.join('\n')}`);
          } finally {
            await manager.close();
          }
        }
        await s3.close();
      }),
    ),
  );

  s.run();
}
