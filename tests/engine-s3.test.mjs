// The SlateDB wasm engine on S3: the same engine suite as on the other stores, against a real
// S3-compatible server (MinIO on 127.0.0.1) started for this file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3ObjectStore } from 'streamstate';
import { engineSuite } from './conformance/engine-suite.mjs';
import { skipLoudly, startS3Server } from './helpers/s3-server.mjs';

const server = startS3Server();
if (server === undefined) {
  skipLoudly(suite, 'engine on S3');
} else {
  const client = new S3Client(server.clientConfig);
  const bucket = 'streamstate-engine';
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  let n = 0;
  const s3 = suite('engine on S3 (MinIO)');
  engineSuite(s3, assert, async () => ({
    store: new S3ObjectStore({ bucket, prefix: `run-${Date.now().toString(36)}-${++n}/`, client }),
    cleanup: async () => {},
  }));
  s3.after(() => client.destroy());
  s3.run();
}
