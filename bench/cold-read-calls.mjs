#!/usr/bin/env node
// Where cold reads go: counts the object-store calls (and their time and bytes) the SlateDb engine
// makes right after a reopen for short scans run twice over the same ranges (whether scans fill
// the block cache), then for random point gets, then for a second pass of gets (the cache warm). Evidence for docs/benchmarks.md; no assertions on time.
//
// Run: npm run build && node bench/cold-read-calls.mjs [--n KEYS] [--gets N] [--scans N] [--sst-block-size B[,B...]]
// (--sst-block-size: the engine setting sstBlockSize in bytes, each size in turn; default: the engine's default)
import { parseArgs } from 'node:util';
import { LocalFileObjectStore, MemoryObjectStore, SlateDb, WriteBatch } from 'streamstate';
import { formatNumber, formatTable, keyBytes, random, tempDir, valueBytes } from './lib/common.mjs';
import { countingStore } from './lib/counting-store.mjs';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '20000' }, gets: { type: 'string', default: '2000' }, scans: { type: 'string', default: '500' }, 'sst-block-size': { type: 'string' } },
});
const n = Number(values.n);
const gets = Number(values.gets);
const scans = Number(values.scans);
const blockSizes = values['sst-block-size'] ? values['sst-block-size'].split(',').map(Number) : [undefined];
const rows = [];
const dir = await tempDir('cold-read-calls');
try {
  for (const blockSize of blockSizes) for (const [storeLabel, inner] of [['MemoryObjectStore', new MemoryObjectStore()], ['LocalFileObjectStore', new LocalFileObjectStore(`${dir.dir}/${blockSize ?? 'default'}`)]]) {
    const label = blockSize === undefined ? storeLabel : `${storeLabel}, ${blockSize / 1024} KiB blocks`;
    const settings = blockSize === undefined ? undefined : { sstBlockSize: blockSize };
    const store = countingStore(inner);
    let db = await SlateDb.open('cold', { objectStore: store.proxy, awaitDurable: false, settings });
    for (let i = 0; i < n; i += 1000) {
      const batch = new WriteBatch();
      for (let j = i; j < Math.min(i + 1000, n); j++) batch.put(keyBytes(j), valueBytes(j));
      await db.write(batch);
    }
    await db.close();
    store.take();
    db = await SlateDb.open('cold', { objectStore: store.proxy, settings });
    store.take();
    const next = random(11);
    // Short scans (10 keys each) first, the same ranges twice: does the second pass hit the cache?
    const starts = Array.from({ length: scans }, () => Math.floor(next() * (n - 10)));
    for (const pass of ['10-key scans after reopen', 'the same scans again']) {
      const started = performance.now();
      for (const start of starts) for await (const _ of db.scan({ gte: keyBytes(start), lt: keyBytes(start + 10) }));
      const ms = performance.now() - started;
      const get = store.take().get ?? { calls: 0, ms: 0, bytes: 0 };
      rows.push([label, pass, formatNumber((scans * 1000) / ms), String(get.calls), get.calls ? formatNumber(get.bytes / get.calls) : '-', formatNumber(get.ms), formatNumber(ms)]);
    }
    for (const pass of ['random gets', 'more random gets']) {
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
console.log(`${n} keys (~100-byte values), closed and reopened; then ${scans} scans of 10 keys, the same scans again, ${gets} random gets, ${gets} more:`);
console.log(formatTable(['store', 'pass', 'gets/s or scans/s', 'store GETs', 'bytes/GET', 'ms in GETs', 'ms total'], rows));
