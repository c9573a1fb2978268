// A worker counting page views per page in 10-second tumbling windows, its state in S3 (SlateDB
// over S3ObjectStore). Each POST carries a batch of events `[{ page, timeMs }]` for partition 0 and
// answers with the windows that batch closed; the open windows stay in S3 between requests (and
// between restarts of the worker). S3 settings come from the worker's bindings (env):
// S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_PREFIX, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
//
// `streamstate/s3` puts the AWS SDK into the bundle; a worker that never uses S3 leaves it out.
import 'streamstate/s3';
import { StateStoreManager, tumblingWindow } from 'streamstate';

const TOPIC = 'page-views';
const views = tumblingWindow({ durationMs: 10_000, graceMs: 0 }).count();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Processes one batch on partition 0 and returns the windows it closed. */
async function processBatch(env, events, offset) {
  const manager = new StateStoreManager({
    stateDir: `s3://${env.S3_BUCKET}/${env.S3_PREFIX}`,
    groupId: 'page-views',
    backend: 'slatedb',
    slatedbOptions: {
      objectStoreOptions: {
        s3: {
          clientConfig: {
            endpoint: env.S3_ENDPOINT,
            region: env.S3_REGION,
            forcePathStyle: true,
            credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
          },
        },
      },
    },
  });
  try {
    manager.registerWindowedStore(TOPIC, views.storeName);
    await manager.onPartitionAssign(TOPIC, 0);
    const transaction = manager.getWindowedStore(TOPIC, views.storeName).startPartitionTransaction(0);
    const closed = [];
    for (const event of events) {
      for (const window of await views.process(transaction, encoder.encode(event.page), event, event.timeMs)) {
        closed.push({ page: decoder.decode(window.key), start: window.start, end: window.end, count: window.value });
      }
    }
    await transaction.prepare({ [TOPIC]: offset });
    await transaction.flush();
    return closed;
  } finally {
    await manager.close();
  }
}

export default {
  async fetch(request, env) {
    if (request.method !== 'POST') return new Response('POST a JSON array of { page, timeMs }\n', { status: 405 });
    const offset = Number(new URL(request.url).searchParams.get('offset') ?? 0);
    try {
      return Response.json({ closed: await processBatch(env, await request.json(), offset) });
    } catch (error) {
      return Response.json({ error: { name: error.name, code: error.code, message: error.message } }, { status: 500 });
    }
  },
};
