// Child process for the kill tests of tests/faults.test.mjs: works on the SlateDB database "db" in
// local files at <dir> until killed, printing "ack <n>" once write n is durable. Modes:
// - open: open, one durable write, close, again (a kill often lands inside an open or a close);
// - write: durable writes, one after another;
// - flush: durable writes, each followed by a memtable flush (a kill lands inside L0 uploads and
//   manifest updates, and the compactor's work);
// - compact: 20 durable writes at a time into small L0 SSTs (16 KiB), so the compactor, polling
//   every 20 ms, merges them all the time (the test kills it when a compaction starts).
// Each run starts its numbers at <first>. Usage: node engine-fault-child.mjs <dir> <mode> <first>
import { pathToFileURL } from 'node:url';
import { LocalFileObjectStore, SlateDb } from 'streamstate';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, mode, first] = process.argv.slice(2);
  const store = new LocalFileObjectStore(dir);
  const settings = { flushInterval: 5, l0SstSizeBytes: (mode === 'compact' ? 16 : 64) * 1024, compactorOptions: { pollInterval: 20 } };
  const enc = new TextEncoder();
  const value = (n) => enc.encode(`value-${n}-`.padEnd(300, 'x'));
  let db = await SlateDb.open('db', { objectStore: store, settings });
  process.stdout.write('opened\n');
  if (mode === 'compact') {
    for (let n = Number(first); ; n += 20) {
      const batch = Array.from({ length: 20 }, (_, i) => n + i);
      await Promise.all(batch.map((m) => db.put(enc.encode(`key-${m}`), value(m))));
      process.stdout.write(batch.map((m) => `ack ${m}\n`).join(''));
    }
  }
  for (let n = Number(first); ; n++) {
    await db.put(enc.encode(`key-${n}`), value(n));
    process.stdout.write(`ack ${n}\n`);
    if (mode === 'flush') await db.flush('memtable');
    if (mode === 'open') {
      await db.close();
      db = await SlateDb.open('db', { objectStore: store, settings });
    }
  }
}
