// State on S3: a word count per user whose state lives in an S3 bucket (SlateDB over S3), kept
// across a restart. Creates the bucket when it is missing.
//
// S3 from the environment: S3_ENDPOINT (omit for AWS itself), S3_REGION or AWS_REGION (default
// us-east-1), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or any other source the AWS SDK reads),
// S3_BUCKET (default streamstate-examples). For a local MinIO from this repository:
//   bash scripts/s3-server.sh start && eval "$(bash scripts/s3-server.sh env)"
//
// Run: npm run build && node examples/s3.mjs [--state-dir NAME]   (NAME: the key prefix, default a fresh one)
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { StateStoreManager } from 'streamstate';

const { values: args } = parseArgs({ options: { 'state-dir': { type: 'string' } } });
const bucket = process.env.S3_BUCKET ?? 'streamstate-examples';
const prefix = `s3-example/${(args['state-dir'] ?? String(Date.now())).replace(/[^A-Za-z0-9._-]+/g, '-')}`;
const clientConfig = {
  region: process.env.S3_REGION ?? process.env.AWS_REGION ?? 'us-east-1',
  ...(process.env.S3_ENDPOINT ? { endpoint: process.env.S3_ENDPOINT, forcePathStyle: true } : {}),
};

// 1. The bucket (streamstate never creates buckets: a missing one is the error S3_NO_SUCH_BUCKET).
const client = new S3Client(clientConfig);
await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error) => {
  if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
});
client.destroy();

// 2. A manager whose state directory is an S3 location; the client settings go in objectStoreOptions.
const options = {
  stateDir: `s3://${bucket}/${prefix}`,
  groupId: 'word-count',
  backend: 'slatedb',
  slatedbOptions: { objectStoreOptions: { s3: { clientConfig } } },
};
const SENTENCES = ['the quick brown fox', 'the lazy dog', 'the fox jumps', 'a dog sleeps'];

async function countWords(sentences) {
  const manager = new StateStoreManager(options);
  try {
    manager.registerStore('sentences', 'counts');
    await manager.onPartitionAssign('sentences', 0);
    const tx = manager.getStore('sentences', 'counts').startPartitionTransaction(0);
    for (const sentence of sentences) {
      for (const word of sentence.split(' ')) {
        const state = tx.asState(word);
        state.set('count', (await state.get('count', 0)) + 1);
      }
    }
    await tx.prepare({});
    await tx.flush();
    const read = manager.getStore('sentences', 'counts').startPartitionTransaction(0);
    return Object.fromEntries(await Promise.all(['the', 'fox', 'dog'].map(async (word) => [word, await read.asState(word).get('count', 0)])));
  } finally {
    await manager.close();
  }
}

// 3. Two runs over the same location: the second starts from what the first left in S3.
const first = await countWords(SENTENCES);
const second = await countWords(SENTENCES);
console.log(`state in s3://${bucket}/${prefix}/word-count/`);
console.log(`after one pass: ${JSON.stringify(first)}; after a restart and a second pass: ${JSON.stringify(second)}`);
if (second.the !== 2 * first.the || first.the !== 3) process.exit(1);
