// Child process for the crash test: writes key-N durably and prints N once the write resolved,
// until killed. Usage: node engine-writer.mjs <dir> <count>
import { pathToFileURL } from 'node:url';
import { LocalFileObjectStore, SlateDb } from 'streamstate';

// Only when run as a program (a test runner importing every file must not start it).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, count] = process.argv.slice(2);
  const db = await SlateDb.open('db', { objectStore: new LocalFileObjectStore(dir), settings: { flushInterval: 5 } });
  const enc = new TextEncoder();
  for (let i = 0; i < Number(count); i++) {
    await db.put(enc.encode(`key-${i}`), enc.encode(`value-${i}`), { awaitDurable: true });
    process.stdout.write(`${i}\n`);
  }
  await new Promise(() => {});
}
