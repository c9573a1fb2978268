// The public surface: ts/index.ts is the one list of public names (explicit, no `export *`), and
// each runtime entry point (ts/entry/node.ts, web.ts, workerd.ts, slim.ts) adds only how the .wasm
// is loaded and re-exports that list whole, with one `export * from '../index.js'` and nothing
// else, so what a user imports at run time is exactly what the shipped types (dist/index.d.ts)
// declare, in every runtime. Internals (key separators, TTL column families) are not exported.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
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

s('at run time the Node, web and slim entry points export exactly the names of dist/index.js', async () => {
  const index = Object.keys(await import(path.join(root, 'dist', 'index.js'))).sort();
  for (const entry of ['node', 'web', 'slim']) {
    const names = Object.keys(await import(path.join(root, 'dist', 'entry', `${entry}.js`))).sort();
    assert.equal(names, index, entry);
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
