// What `npm pack` ships besides the code: the LICENSE, no source maps (the build has none: they
// would point at ts/ files the package does not ship), the `streamstate` command (package.json
// `bin`), and that command working where a user has it: `npx streamstate inspect` in a project that
// installed the packed tarball, on state the word-count example left behind.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { StateStoreManager } from 'streamstate';
import { packAndInstall } from './runtimes/harness.mjs';
import { startS3Server } from './helpers/s3-server.mjs';
import { runNode, runProcess } from './helpers/run-node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packageJson = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const DEADLINE_MS = 120_000;

const dryRun = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8', timeout: DEADLINE_MS });
assert.is(dryRun.status, 0, dryRun.stderr);
const files = JSON.parse(dryRun.stdout)[0].files.map((file) => file.path);

const contents = suite('package: what npm pack ships');

contents('the LICENSE, the Apache-2.0 text package.json names', async () => {
  assert.is(packageJson.license, 'Apache-2.0');
  assert.ok(files.includes('LICENSE'), 'LICENSE is in the tarball');
  const text = await readFile(path.join(root, 'LICENSE'), 'utf8');
  assert.match(text, /Apache License\s+Version 2\.0, January 2004/);
  assert.match(text, 'END OF TERMS AND CONDITIONS');
});

contents('no source maps, and no shipped file refers to one', async () => {
  assert.equal(files.filter((file) => file.endsWith('.map')), []);
  for (const file of files.filter((name) => /\.(m?js|d\.ts)$/.test(name))) {
    assert.not.match(await readFile(path.join(root, file), 'utf8'), 'sourceMappingURL', file);
  }
});

contents('the streamstate command: bin points at a shipped file with a node shebang', async () => {
  assert.equal(packageJson.bin, { streamstate: './dist/cli/streamstate.js' });
  assert.ok(files.includes('dist/cli/streamstate.js'));
  assert.ok((await readFile(path.join(root, 'dist/cli/streamstate.js'), 'utf8')).startsWith('#!/usr/bin/env node\n'));
});

contents.run();

const installedSuite = suite('package: npx streamstate inspect where a user installed the package');
let installed;
let stateDir;
installedSuite.before(async () => {
  installed = await packAndInstall();
  stateDir = await mkdtemp(path.join(tmpdir(), 'streamstate-package-state-'));
  const example = await runNode([path.join(root, 'examples', 'word-count.mjs'), '--backend', 'slatedb', '--state-dir', stateDir]);
  assert.is(example.code, 0, example.stderr);
});
installedSuite.after(async () => {
  await installed?.cleanup();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

installedSuite('npx streamstate inspect lists the example\'s partitions', async () => {
  const result = await runProcess('npx', ['--no-install', 'streamstate', 'inspect', '--state-dir', stateDir, '--group', 'word-count', '--json'], {
    cwd: installed.fixture,
    env: { npm_config_update_notifier: 'false' },
  });
  assert.is(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.partitions.map((p) => [p.stream, p.partition, p.backend]), [0, 1, 2].map((n) => ['sentences', n, 'slatedb']));
  assert.ok(report.partitions.every((p) => p.error === undefined && p.columnFamilies.find((cf) => cf.name === 'default').keys > 0), result.stdout);
  assert.ok(report.partitions.every((p) => p.slatedb.manifest.writerEpoch >= 1), 'the manifests are read');
});

installedSuite('npx streamstate inspect reads an s3:// location (MinIO), credentials from the AWS variables', async () => {
  const server = startS3Server();
  // No S3 server can be installed here: a failure, not a skip (the S3 path is what this proves).
  assert.ok(server, 'scripts/s3-server.sh could not start MinIO');
  const client = new S3Client(server.clientConfig);
  await client.send(new CreateBucketCommand({ Bucket: 'package-inspect' }));
  client.destroy();
  const manager = new StateStoreManager({
    stateDir: path.join(stateDir, 'namespace'),
    groupId: 'app',
    backend: 'slatedb',
    slatedbOptions: { objectStore: 's3://package-inspect/state/app', objectStoreOptions: { s3: { clientConfig: server.clientConfig } } },
  });
  manager.registerStore('orders', 'totals');
  await manager.onPartitionAssign('orders', 0);
  const tx = manager.getStore('orders', 'totals').startPartitionTransaction(0);
  tx.asState('customer-1').set('total', 12);
  await tx.prepare();
  await tx.flush(7);
  await manager.close();
  const result = await runProcess('npx', ['--no-install', 'streamstate', 'inspect', 's3://package-inspect/state/app', '--dump', '--json'], {
    cwd: installed.fixture,
    env: {
      npm_config_update_notifier: 'false',
      AWS_ENDPOINT_URL: server.vars.S3_ENDPOINT,
      AWS_REGION: server.vars.S3_REGION,
      AWS_ACCESS_KEY_ID: server.vars.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: server.vars.AWS_SECRET_ACCESS_KEY,
    },
  });
  assert.is(result.code, 0, result.stderr);
  const [partition] = JSON.parse(result.stdout).partitions;
  assert.equal([partition.store, partition.stream, partition.partition, partition.changelogOffset], ['totals', 'orders', 0, '7']);
  assert.equal(partition.dump.entries, [{ prefix: 'customer-1', key: 'total', value: 12 }]);
});

installedSuite.run();
