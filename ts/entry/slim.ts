// "streamstate/slim": no wasm loading at all; call initEngine(moduleOrBytes) before SlateDb.open().
export * from '../index.js';
