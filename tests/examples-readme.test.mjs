// Every example runs, by the one command examples/README.md gives for it (each ```sh block there
// holds one), from the repository root with a state directory of the test's own and a deadline;
// every example in examples/ is listed there. The TypeScript example is compiled by its own
// tsconfig (strict, lib ES2022) and checks its totals itself (exit status 1 when they differ).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = await readFile(path.join(root, 'examples', 'README.md'), 'utf8');
const commands = [...readme.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1].trim());
const DEADLINE_MS = 180_000;

function sh(command, { cwd = root } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`"${command}" did not finish within ${DEADLINE_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, DEADLINE_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

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
    const result = await sh(withState);
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

s.run();
