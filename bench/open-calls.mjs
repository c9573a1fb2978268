#!/usr/bin/env node
// The object-store calls of one SlateDB open and close, in order: a small database (one write) is
// made and closed on a MemoryObjectStore, then opened and closed again with every call recorded
// (a call that starts while others are in flight is marked with how many are). Evidence for
// docs/benchmarks.md (row f: the open's sequential round trips); prints, asserts nothing.
//
// Run: npm run build && node bench/open-calls.mjs
import { MemoryObjectStore, SlateDbBackend, setLogger, silentLogger } from 'streamstate';

setLogger(silentLogger);
let log = null;
let inflight = 0;
const recording = new Proxy(new MemoryObjectStore(), {
  get(target, property) {
    const value = target[property];
    if (typeof value !== 'function') return value;
    return async (...args) => {
      if (log === null) return value.apply(target, args);
      inflight++;
      log.push(`${String(property)} ${args[0]}${inflight > 1 ? ` (with ${inflight - 1} in flight)` : ''}`);
      try {
        return await value.apply(target, args);
      } finally {
        inflight--;
      }
    };
  },
});
const backend = new SlateDbBackend({ objectStore: recording });
let db = await backend.open('db', { columnFamilies: ['default'] });
await db.write([{ cf: 'default', key: new Uint8Array([1]), value: new Uint8Array([2]) }]);
await db.close();

log = [];
db = await backend.open('db', { columnFamilies: ['default'] });
const open = log;
log = [];
await db.close();
const close = log;
log = null;
const rounds = (calls) => calls.filter((line) => !line.includes('in flight')).length;
console.log(`open: ${open.length} calls, ${rounds(open)} started with none in flight\n  ${open.join('\n  ')}`);
console.log(`close: ${close.length} calls, ${rounds(close)} started with none in flight\n  ${close.join('\n  ')}`);
