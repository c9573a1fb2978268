export * from './object-store.js';
export * from './memory.js';
export * from './local-file.js';
export type {
  DirentLike,
  FileHandleLike,
  FileStatsLike,
  FileSystemLike,
  FileSystemPromisesLike,
} from './file-system.js';
export * from './s3.js';
export * from './location.js';
