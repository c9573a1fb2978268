// Runs the page-view worker (worker.mjs) in workerd against S3: creates the bucket if it is missing,
// bundles the worker (build.mjs), serves it with workerd on a free local port, posts two batches of
// events and prints the windows each closed. The second batch closes windows the first one opened:
// their counts come back from S3. Exits non-zero when the counts are not the expected ones.
//
// S3 from the environment: S3_ENDPOINT (e.g. http://127.0.0.1:9000), S3_REGION (default us-east-1),
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, S3_BUCKET (default streamstate-examples).
// Needs the devDependencies esbuild and workerd (npm install --save-dev esbuild workerd).
//
// Run: node examples/workerd/run.mjs [--state-dir DIR]   (DIR: the bundle and workerd's config)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { bundleWorker } from './build.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({ options: { 'state-dir': { type: 'string', default: '.example-state' } } });
const outdir = path.resolve(args['state-dir']);
const env = process.env;
if (!env.S3_ENDPOINT || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
  console.error('Set S3_ENDPOINT, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (for a local MinIO from this repository: bash scripts/s3-server.sh start && eval "$(bash scripts/s3-server.sh env)")');
  process.exit(2);
}
const s3 = {
  S3_ENDPOINT: env.S3_ENDPOINT,
  S3_REGION: env.S3_REGION ?? 'us-east-1',
  S3_BUCKET: env.S3_BUCKET ?? 'streamstate-examples',
  S3_PREFIX: `workerd-page-views/${Date.now()}`,
  AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
};

// 1. The bucket.
const client = new S3Client({ endpoint: s3.S3_ENDPOINT, region: s3.S3_REGION, forcePathStyle: true });
await client.send(new CreateBucketCommand({ Bucket: s3.S3_BUCKET })).catch((error) => {
  if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
});
client.destroy();

// 2. The bundle, and a workerd config serving it with the S3 settings as text bindings.
await rm(outdir, { recursive: true, force: true });
const { modules, bytes } = await bundleWorker({ entry: path.join(here, 'worker.mjs'), outdir });
const port = await freePort();
const q = JSON.stringify;
await writeFile(
  path.join(outdir, 'config.capnp'),
  `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # workerd lets a worker reach public addresses only, unless told otherwise: S3 here is local.
    (name = "s3-network", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = ${q(`127.0.0.1:${port}`)}, http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.map((m) => `(name = ${q(m.name)}, ${m.type} = embed ${q(path.basename(m.file))})`).join(', ')}],
  bindings = [${Object.entries(s3).map(([name, value]) => `(name = ${q(name)}, text = ${q(value)})`).join(', ')}],
  compatibilityDate = "2026-11-01",
  globalOutbound = "s3-network",
);
`,
);

// 3. workerd, two batches, the windows they closed.
const workerdBin = path.join(path.dirname(createRequire(import.meta.url).resolve('workerd/package.json')), 'bin', 'workerd');
const server = spawn(workerdBin, ['serve', path.join(outdir, 'config.capnp')], { cwd: outdir, stdio: ['ignore', 'inherit', 'inherit'] });
try {
  const PAGES = ['home', 'docs', 'blog'];
  const events = Array.from({ length: 60 }, (_, i) => ({ page: PAGES[i % 3], timeMs: i * 1000 }));
  console.log(`worker bundled: ${bytes} bytes of JavaScript plus the engine's .wasm; state in s3://${s3.S3_BUCKET}/${s3.S3_PREFIX}`);
  const closed = [];
  for (const [index, batch] of [events.slice(0, 30), events.slice(30)].entries()) {
    const answer = await post(`http://127.0.0.1:${port}/?offset=${index * 30 + 29}`, batch);
    if (answer.error) throw new Error(`the worker failed: ${JSON.stringify(answer.error)}`);
    console.log(`batch ${index + 1} closed ${answer.closed.length} windows:`);
    for (const w of answer.closed) console.log(`  ${w.page.padEnd(5)} ${w.start / 1000}s-${w.end / 1000}s: ${w.count} views`);
    closed.push(...answer.closed);
  }
  // Every window that ended by the last event's time closed, each with the views it received.
  const expected = events.filter((e) => e.timeMs < 50_000).length;
  const counted = closed.reduce((sum, w) => sum + w.count, 0);
  const acrossRequests = closed.some((w) => w.start === 20_000);
  console.log(`${counted} views counted in closed windows (expected ${expected}); a window opened by batch 1 and closed by batch 2: ${acrossRequests}`);
  if (counted !== expected || !acrossRequests) process.exitCode = 1;
} finally {
  server.kill('SIGTERM');
}

async function post(url, body) {
  // workerd takes a moment to listen: retry the connection for up to 30 s.
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
      return await response.json();
    } catch (error) {
      if (attempt >= 60 || error.name === 'TimeoutError') throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}
