#!/usr/bin/env node
// Where cold reads go: counts the object-store calls (and their time and bytes) the SlateDb engine
// makes for random point gets right after a reopen, then for a second pass over other random keys
// (the block cache warm). Evidence for docs/benchmarks.md ("cold reads"); no assertions on time.
//
// Run: npm run build && node bench/cold-read-calls.mjs [--n KEYS] [--gets N]
import { parseArgs } from 'node:util';
import { LocalFileObjectStore, MemoryObjectStore, SlateDb, WriteBatch } from 'streamstate';
import { formatNumber, formatTable, keyBytes, random, tempDir, valueBytes } from './lib/common.mjs';

/** Wraps an ObjectStore, counting each method's calls, milliseconds and bytes returned. */
function countingStore(inner) {
  const stats = {};
  const proxy = new Proxy(inner, {
    get(target, property) {
      const value = target[property];
      if (typeof value !== 'function') return value;
      return async (...args) => {
        const entry = (stats[property] ??= { calls: 0, ms: 0, bytes: 0 });
        entry.calls++;
        const started = performance.now();
        try {
          const result = await value.apply(target, args);
          if (result?.data instanceof Uint8Array) entry.bytes += result.data.length;
          return result;
        } finally {
          entry.ms += performance.now() - started;
        }
      };
    },
  });
  return { proxy, take: () => Object.fromEntries(Object.entries(stats).map(([k, v]) => (delete stats[k], [k, v]))) };
}

const { values } = parseArgs({ options: { n: { type: 'string', default: '20000' }, gets: { type: 'string', default: '2000' } } });
const n = Number(values.n);
const gets = Number(values.gets);
const rows = [];
const dir = await tempDir('cold-read-calls');
try {
  for (const [label, inner] of [['MemoryObjectStore', new MemoryObjectStore()], ['LocalFileObjectStore', new LocalFileObjectStore(dir.dir)]]) {
    const store = countingStore(inner);
    let db = await SlateDb.open('cold', { objectStore: store.proxy, awaitDurable: false });
    for (let i = 0; i < n; i += 1000) {
      const batch = new WriteBatch();
      for (let j = i; j < Math.min(i + 1000, n); j++) batch.put(keyBytes(j), valueBytes(j));
      await db.write(batch);
    }
    await db.close();
    store.take();
    db = await SlateDb.open('cold', { objectStore: store.proxy });
    store.take();
    const next = random(11);
    for (const pass of ['cold (after reopen)', 'second pass']) {
      const started = performance.now();
      for (let i = 0; i < gets; i++) await db.get(keyBytes(Math.floor(next() * n)));
      const ms = performance.now() - started;
      const calls = store.take();
      const get = calls.get ?? { calls: 0, ms: 0, bytes: 0 };
      rows.push([
        label,
        pass,
        formatNumber((gets * 1000) / ms),
        String(get.calls),
        get.calls ? formatNumber(get.bytes / get.calls) : '-',
        formatNumber(get.ms),
        formatNumber(ms),
      ]);
    }
    await db.close();
  }
} finally {
  await dir.cleanup();
}
console.log(`${gets} random gets over ${n} keys (~100-byte values) after close and reopen:`);
console.log(formatTable(['store', 'pass', 'gets/s', 'store GETs', 'bytes/GET', 'ms in GETs', 'ms total'], rows));
