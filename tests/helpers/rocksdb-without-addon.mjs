// Child process: makes '@nxtedition/rocksdb' fail to resolve (as in a runtime without the native
// addon), opens a RocksDB database through streamstate, and prints the error's code and message.
import { register } from 'node:module';

const hideAddon = `
export async function resolve(specifier, context, next) {
  if (specifier === '@nxtedition/rocksdb') throw new Error('Cannot find package @nxtedition/rocksdb (hidden by the test)');
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hideAddon)}`);

const { rocksDbBackend } = await import('streamstate');
try {
  await rocksDbBackend.open(process.argv[2]);
  console.log(JSON.stringify({ opened: true }));
} catch (error) {
  console.log(JSON.stringify({ code: error.code, name: error.name, message: error.message }));
}
