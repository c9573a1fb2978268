// Entry point for Node, Deno and Bun (package.json "exports" conditions node, deno, bun): the engine
// reads its .wasm from the package directory when the first database opens.
import { setEngineSource } from '../engine/wasm.js';

setEngineSource(async () => {
  const { readFile } = await import('node:fs/promises');
  return readFile(new URL('../../pkg/streamstate_engine_bg.wasm', import.meta.url));
});

export * from '../index.js';
