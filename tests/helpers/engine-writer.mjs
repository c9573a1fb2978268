// Child process for the crash test: writes key-N durably and prints N once the write resolved,
// until killed. Usage: node engine-writer.mjs <dir> <count>
import { LocalFileObjectStore, SlateDb } from 'streamstate';

const [dir, count] = process.argv.slice(2);
const db = await SlateDb.open('db', { objectStore: new LocalFileObjectStore(dir), settings: { flushInterval: 5 } });
const enc = new TextEncoder();
for (let i = 0; i < Number(count); i++) {
  await db.put(enc.encode(`key-${i}`), enc.encode(`value-${i}`), { awaitDurable: true });
  process.stdout.write(`${i}\n`);
}
await new Promise(() => {});
