// Child process for the cross-process lock test: opens the RocksDB database at argv[2], writes one
// batch, prints "open", and holds the database until killed (or until stdin closes).
import { rocksDbBackend } from 'streamstate';

const db = await rocksDbBackend.open(process.argv[2]);
await db.write([{ cf: 'default', key: new TextEncoder().encode('written-by-child'), value: Uint8Array.of(1) }]);
process.stdout.write('open\n');
process.stdin.resume();
process.stdin.on('end', async () => {
  await db.close();
  process.exit(0);
});
