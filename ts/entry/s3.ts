// "streamstate/s3": bundles the AWS SDK's S3 client into the program and hands it to S3ObjectStore.
// Needed where packages cannot be imported at run time (a bundled worker: workerd, Cloudflare
// Workers); harmless elsewhere. Without it, S3ObjectStore imports `@aws-sdk/client-s3` on first use,
// and a bundle that never uses S3 does not carry the SDK.
import * as sdk from '@aws-sdk/client-s3';
import { useS3Sdk } from '../object-stores/s3.js';

useS3Sdk(sdk);

export { S3ObjectStore, S3StoreError, useS3Sdk } from '../object-stores/s3.js';
export type { S3ObjectStoreOptions, S3StoreErrorCode } from '../object-stores/s3.js';
