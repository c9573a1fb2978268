export { OBJECT_STORE_METHODS, ObjectStoreError, assertObjectStore } from './object-store.js';
export type { ByteRange, CopyOptions, GetOptions, GetResult, HeadResult, ObjectMeta, ObjectStore, ObjectStoreErrorCode, ObjectVersion, PutMode, PutOptions } from './object-store.js';
export { MemoryObjectStore } from './memory.js';
export { LocalFileObjectStore } from './local-file.js';
export type { LocalFileObjectStoreOptions } from './local-file.js';
export type {
  DirentLike,
  FileHandleLike,
  FileStatsLike,
  FileSystemLike,
  FileSystemPromisesLike,
} from './file-system.js';
export { DEFAULT_S3_REQUEST_TIMEOUT_MS, S3ObjectStore, S3StoreError, S3_OPTION_FIELDS, checkS3BucketName, useS3Sdk } from './s3.js';
export type { S3ObjectStoreOptions, S3StoreErrorCode } from './s3.js';
export { OBJECT_STORE_SCHEMES, checkObjectStoreLocationOptions, objectStoreFromLocation, parseObjectStoreLocation, printableLocation } from './location.js';
export type { ObjectStoreLocationOptions, ObjectStoreScheme, ParsedObjectStoreLocation } from './location.js';
