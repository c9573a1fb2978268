// Default entry point (browsers and other fetch-capable runtimes): the engine fetches its .wasm
// next to this package when the first database opens.
import { setEngineSource } from '../engine/wasm.js';

setEngineSource(async () => new URL('../../pkg/streamstate_engine_bg.wasm', import.meta.url));

export * from '../index.js';
