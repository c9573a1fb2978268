// The public surface: ts/index.ts is the one list of public names (explicit, no `export *`), and
// each runtime entry point (ts/entry/node.ts, web.ts, workerd.ts, slim.ts) adds only how the .wasm
// is loaded and re-exports that list whole, with one `export * from '../index.js'` and nothing
// else, so what a user imports at run time is exactly what the shipped types (dist/index.d.ts)
// declare, in every runtime. Internals (key separators, TTL column families) are not exported.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const s = suite('entry points: one list of public names');
const ENTRIES = ['node', 'web', 'workerd', 'slim'];

const exportStatements = (source) => source.match(/^export\b[^;]*;/gms) ?? [];

s('ts/index.ts lists every name explicitly (no export *)', async () => {
  const source = await readFile(path.join(root, 'ts', 'index.ts'), 'utf8');
  const statements = exportStatements(source);
  assert.ok(statements.length > 5, 'index.ts has its export lists');
  assert.equal(statements.filter((statement) => /^export\s*\*/.test(statement)), []);
});

s('each entry point re-exports ts/index.ts whole, and exports nothing else', async () => {
  for (const entry of ENTRIES) {
    const source = await readFile(path.join(root, 'ts', 'entry', `${entry}.ts`), 'utf8');
    assert.equal(exportStatements(source), ["export * from '../index.js';"], entry);
  }
});

// Each entry is imported in a child process: importing one registers how the engine loads its .wasm
// for the whole process (the web entry's way fails under Node), which would break later tests.
function namesOf(file) {
  const program = `const names = Object.keys(await import(${JSON.stringify(file)})).sort(); process.stdout.write(JSON.stringify(names));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 60_000 });
  assert.is(result.status, 0, `${file}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

s('at run time the Node, web and slim entry points export exactly the names of dist/index.js', async () => {
  const index = namesOf(path.join(root, 'dist', 'index.js'));
  assert.ok(index.length > 100, 'the index lists the public names');
  for (const entry of ['node', 'web', 'slim']) {
    assert.equal(namesOf(path.join(root, 'dist', 'entry', `${entry}.js`)), index, entry);
  }
  // The package's own name resolves to one of them (the node condition here).
  assert.equal(Object.keys(await import('streamstate')).sort(), index);
});

s('internals are not exported', async () => {
  const names = Object.keys(await import('streamstate'));
  for (const internal of ['SEPARATOR', 'TTL_INDEX_CF_NAME', 'LOCAL_ONLY_CFS', 'setEngineSource', 'useS3Sdk']) {
    assert.not.ok(names.includes(internal), `${internal} is internal`);
  }
  assert.ok(names.includes('StateStoreManager') && names.includes('setLogger') && names.includes('defaultLogger'));
});

s.run();
