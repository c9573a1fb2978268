// Every example runs, by the one command examples/README.md gives for it (each ```sh block there
// holds one), from the repository root with a state directory of the test's own and a deadline;
// every example in examples/ is listed there. The TypeScript example is compiled by its own
// tsconfig (strict, lib ES2022) and checks its totals itself (exit status 1 when they differ).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './helpers/run-node.mjs';
import { startS3Server } from './helpers/s3-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = await readFile(path.join(root, 'examples', 'README.md'), 'utf8');
const commands = [...readme.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1].trim());
const DEADLINE_MS = 180_000;

// The S3 examples (s3, workerd) read the server from the environment, as the README says.
const s3Server = startS3Server();
if (!s3Server) throw new Error('examples: scripts/s3-server.sh cannot install an S3 server here, and the S3 examples need one');
const s3Env = { S3_ENDPOINT: s3Server.vars.S3_ENDPOINT, S3_REGION: s3Server.vars.S3_REGION, AWS_ACCESS_KEY_ID: s3Server.vars.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: s3Server.vars.AWS_SECRET_ACCESS_KEY };

const scratch = await mkdtemp(path.join(tmpdir(), 'streamstate-examples-'));
const s = suite('examples: each README command runs');
s.after(() => rm(scratch, { recursive: true, force: true }));

s('examples/README.md lists every example, each with one command', async () => {
  const entries = (await readdir(path.join(root, 'examples'), { withFileTypes: true })).filter((entry) => entry.name !== 'README.md');
  assert.ok(entries.length >= 3);
  for (const entry of entries) {
    const name = entry.isDirectory() ? entry.name : entry.name.replace(/\.m?[jt]s$/, '');
    assert.ok(commands.some((command) => command.includes(name)), `a command runs ${entry.name}`);
  }
});

const outputs = {};
for (const command of commands) {
  s(`runs: ${command}`, async () => {
    const stateDir = path.join(scratch, command.replace(/\W+/g, '-'));
    const withState = command.startsWith('npm run') ? `${command} -- --state-dir ${stateDir}` : `${command} --state-dir ${stateDir}`;
    const result = await runProcess('sh', ['-c', withState], { env: s3Env, timeoutMs: DEADLINE_MS, group: true });
    assert.is(result.code, 0, `exit status (stdout: ${result.stdout}\nstderr: ${result.stderr})`);
    outputs[command] = result.stdout;
  });
}

s('the TypeScript example counted every order, compiled from its own tsconfig', async () => {
  const command = commands.find((c) => c.includes('typescript'));
  assert.ok(command);
  const output = outputs[command];
  assert.ok(output, 'it ran');
  assert.match(output, /2000 orders, revenue (\d+) \(expected 2000 orders, revenue \1\)/);
  assert.match(output, /one-minute windows closed; the biggest: (acme|globex|initech|umbrella) /);
  const config = JSON.parse(await readFile(path.join(root, 'examples', 'typescript', 'tsconfig.json'), 'utf8')).compilerOptions;
  assert.equal([config.strict, config.lib], [true, ['ES2022']]);
});

s('word-count counted all 3000', () => {
  assert.match(outputs[commands.find((c) => c.includes('word-count'))], /^3000 (messages|sentences) counted/m);
});

s('the S3 example kept its counts in S3 across a restart', () => {
  assert.match(outputs[commands.find((c) => c.includes('examples/s3.mjs'))], /after one pass: \{"the":3,"fox":2,"dog":2\}; after a restart and a second pass: \{"the":6,"fox":4,"dog":4\}/);
});

s('Deno and Bun each counted twice over the same state', () => {
  assert.match(outputs[commands.find((c) => c.includes('deno-and-bun/deno.mjs'))], /^Deno \S+: after one pass \{"the":3,"fox":2,"dog":2\}; after a second pass over the same state \{"the":6,"fox":4,"dog":4\}/m);
  assert.match(outputs[commands.find((c) => c.includes('deno-and-bun/bun.mjs'))], /^Bun \S+: after one pass \{"the":3,"fox":2,"dog":2\}; after a second pass over the same state \{"the":6,"fox":4,"dog":4\}/m);
});

s('the workerd worker counted 50 views in closed windows, one window across two requests (state in S3)', () => {
  assert.match(outputs[commands.find((c) => c.includes('examples/workerd'))], /^50 views counted in closed windows \(expected 50\); a window opened by batch 1 and closed by batch 2: true$/m);
});

s.run();
