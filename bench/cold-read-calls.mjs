#!/usr/bin/env node
// Where cold reads go: counts the object-store calls (and their time and bytes) the SlateDb engine
// makes right after a reopen for short scans run twice over the same ranges (whether scans fill
// the block cache), then for random point gets, then for a second pass of gets (the cache warm). Evidence for docs/benchmarks.md; no assertions on time.
//
// Run: npm run build && node bench/cold-read-calls.mjs [--n KEYS] [--gets N] [--scans N] [--sst-block-size B[,B...]]
// (--sst-block-size: the engine setting sstBlockSize in bytes, each size in turn, a size may repeat
// (alternating rounds); default: the engine's default; --s3-latency MS: also on an S3ObjectStore,
// MinIO behind Toxiproxy adding MS ms to every reply, as run.mjs's S3 columns)
import { parseArgs } from 'node:util';
import { LocalFileObjectStore, MemoryObjectStore, SlateDb, WriteBatch } from 'streamstate';
import { formatNumber, formatTable, keyBytes, random, tempDir, valueBytes } from './lib/common.mjs';
import { countingStore } from './lib/counting-store.mjs';
import { s3Backends } from './lib/backends.mjs';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '20000' }, gets: { type: 'string', default: '2000' }, scans: { type: 'string', default: '500' }, 'sst-block-size': { type: 'string' }, 's3-latency': { type: 'string' } },
});
const n = Number(values.n);
const gets = Number(values.gets);
const scans = Number(values.scans);
const blockSizes = values['sst-block-size'] ? values['sst-block-size'].split(',').map(Number) : [undefined];
const rows = [];
const dir = await tempDir('cold-read-calls');
const s3Latency = values['s3-latency'] === undefined ? undefined : Number(values['s3-latency']);
const s3 = s3Latency === undefined ? undefined : await s3Backends([s3Latency]);
if (s3?.skip) throw new Error(`--s3-latency: ${s3.skip}`);
const s3Envs = [];
/** A new S3ObjectStore on a prefix of its own (the S3 column's setup from bench/lib/backends.mjs). */
const s3Store = async () => {
  const env = await s3.backends[0].setup();
  s3Envs.push(env);
  return env.managerOptions().slatedbOptions.objectStore;
};
try {
  for (const [run, blockSize] of blockSizes.entries()) for (const [storeLabel, inner] of [
    ['MemoryObjectStore', new MemoryObjectStore()],
    ['LocalFileObjectStore', new LocalFileObjectStore(`${dir.dir}/${run}`)],
    ...(s3 ? [[`S3ObjectStore +${s3Latency}ms`, await s3Store()]] : []),
  ]) {
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
  for (const env of s3Envs) await env.cleanup();
  await s3?.stop?.();
  await dir.cleanup();
}
console.log(`${n} keys (~100-byte values), closed and reopened; then ${scans} scans of 10 keys, the same scans again, ${gets} random gets, ${gets} more:`);
console.log(formatTable(['store', 'pass', 'gets/s or scans/s', 'store GETs', 'bytes/GET', 'ms in GETs', 'ms total'], rows));
