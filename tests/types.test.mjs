// The package's types as a user gets them: `npm pack`, installed into a fresh project with
// @types/node (a Node user's setup), and tests/types/user.ts compiled with tsc under `strict`,
// `lib: ["ES2022"]` (no DOM), without `skipLibCheck` (every shipped .d.ts, and the dependencies'
// ones it pulls in, are checked). The program asserts exact types (State.get with a default is T,
// kind-typed store getters, tumblingWindow<V>); tests/types/wrong.ts is the negative control:
// exactly its lines marked EXPECT-ERROR must fail, so the check cannot pass by checking nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cp, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './helpers/run-node.mjs';
import { packAndInstall } from './runtimes/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = path.join(root, 'tests', 'types');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const DEADLINE_MS = 180_000;

/** tsc on `project` in `cwd`: its exit status and its output (standard output, then standard error). */
async function runTsc(cwd, project) {
  const { code, stdout, stderr } = await runProcess(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd, timeoutMs: DEADLINE_MS });
  return { code, output: stdout + stderr };
}

const installed = await packAndInstall();
const fixture = installed.fixture;
// What `npm install --save-dev @types/node` gives a user (copied: no network here).
await mkdir(path.join(fixture, 'node_modules', '@types'), { recursive: true });
await cp(path.join(root, 'node_modules', '@types', 'node'), path.join(fixture, 'node_modules', '@types', 'node'), { recursive: true });
await cp(path.join(root, 'node_modules', 'undici-types'), path.join(fixture, 'node_modules', 'undici-types'), { recursive: true });
await cp(sources, fixture, { recursive: true });
test.after(() => installed.cleanup());

test('the compiler settings are the strict ones: lib ES2022 only, no skipLibCheck', async () => {
  const config = JSON.parse(await readFile(path.join(sources, 'tsconfig.json'), 'utf8')).compilerOptions;
  assert.equal(config.lib, ['ES2022']);
  assert.is(config.strict, true);
  assert.is(config.skipLibCheck, undefined);
  assert.equal(config.types, ['node']);
});

test('a user program type-checks against the shipped .d.ts (strict, no DOM, no skipLibCheck)', async () => {
  const { code, output } = await runTsc(fixture, 'tsconfig.json');
  assert.is(output.trim(), '', 'tsc reports nothing');
  assert.is(code, 0);
});

test('the negative control: exactly the lines marked EXPECT-ERROR fail', async () => {
  const lines = (await readFile(path.join(sources, 'wrong.ts'), 'utf8')).split('\n');
  const expected = lines.flatMap((line, index) => (line.includes('// EXPECT-ERROR') ? [index + 2] : []));
  assert.ok(expected.length >= 4);
  const { code, output } = await runTsc(fixture, 'tsconfig.wrong.json');
  assert.is(code, 2, output);
  const failing = [...new Set([...output.matchAll(/^wrong\.ts\((\d+),\d+\): error/gm)].map((m) => Number(m[1])))];
  assert.equal(failing, expected, output);
  assert.not.match(output, /node_modules\//, 'no error in any declaration file');
});

test.run();
