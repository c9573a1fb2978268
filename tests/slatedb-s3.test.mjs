// The SlateDB state backend on S3: the Backend conformance suite (unchanged) against a real
// S3-compatible server (MinIO on 127.0.0.1) started for this file, the lease included.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3ObjectStore, SlateDbBackend } from 'streamstate';
import { backendSuite } from './conformance/backend-suite.mjs';
import { skipLoudly, startS3Server } from './helpers/s3-server.mjs';

const server = startS3Server();
if (server === undefined) {
  skipLoudly(suite, 'backend: slatedb on S3');
} else {
  const client = new S3Client(server.clientConfig);
  const bucket = 'streamstate-backend';
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  let n = 0;
  const onS3 = suite('backend: slatedb on S3 (MinIO)');
  backendSuite(onS3, assert, async () => {
    const objectStore = new S3ObjectStore({ bucket, prefix: `run-${Date.now().toString(36)}-${++n}/`, client });
    const backend = new SlateDbBackend({ objectStore, settings: { flushInterval: 10 } });
    return { backend, path: (name) => `suite/${name}`, cleanup: async () => {} };
  });
  onS3.after(() => client.destroy());
  onS3.run();
}
