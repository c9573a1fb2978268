// The error table of docs/state-backends.md lists every code a user can see: each code the sources
// throw (found by the ways codes are given in ts/) has a row in the "Errors" section.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function sources(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sources(full)));
    else if (entry.name.endsWith('.ts')) files.push(full);
  }
  return files;
}

/** Every code the sources give an error: constructor arguments, `code:` options, defaults, code unions. */
function codesIn(text) {
  const codes = new Set();
  const patterns = [
    /super\(\s*'([A-Za-z][A-Za-z0-9_]+)'/g,
    /\bcode:\s*'([A-Za-z][A-Za-z0-9_]+)'/g,
    /new (?:StreamstateError|SlateDbError|S3StoreError|ObjectStoreError)\(\s*'([A-Za-z][A-Za-z0-9_]+)'/g,
    /code \?\? '([A-Z][A-Z0-9_]+)'/g,
    /export const [A-Z_]+ = '([A-Z][A-Z0-9_]+)';/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1]);
  for (const union of text.matchAll(/export type \w*ErrorCode =([^;]+);/g)) {
    for (const member of union[1].matchAll(/'([A-Za-z][A-Za-z0-9_]+)'/g)) codes.add(member[1]);
  }
  return codes;
}

test('docs/state-backends.md "Errors" has a row for every error code in ts/', async () => {
  const codes = new Set();
  for (const file of await sources(path.join(root, 'ts'))) for (const code of codesIn(await readFile(file, 'utf8'))) codes.add(code);
  assert.ok(codes.size > 50, `found the codes (${codes.size})`);
  for (const expected of ['ROCKSDB_CORRUPTED', 'S3_ACCESS_DENIED', 'SLATEDB_LEASE_UNREADABLE', 'NotFound', 'ENGINE_TRAPPED', 'MEMORY_LOCKED']) {
    assert.ok(codes.has(expected), `the scan finds ${expected}`);
  }
  const docs = await readFile(path.join(root, 'docs', 'state-backends.md'), 'utf8');
  const section = docs.slice(docs.indexOf('\n## Errors\n'), docs.indexOf('\n## ', docs.indexOf('\n## Errors\n') + 5));
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  const documented = new Set(rows.flatMap((row) => [...row.split('|')[1].matchAll(/`([^`]+)`/g)].map((match) => match[1])));
  const missing = [...codes].filter((code) => !documented.has(code)).sort();
  assert.equal(missing, [], `codes without a row in the error table: ${missing.join(', ')}`);
  for (const row of rows) assert.ok(row.split('|').at(-2).trim().length > 0, `a "what to do" for ${row.split('|')[1]}`);
});

test.run();
