// Entry point for workerd (Cloudflare Workers): compiling wasm from bytes is forbidden there, so
// the module is imported statically and handed to the engine already compiled.
import engineModule from '../../pkg/streamstate_engine_bg.wasm';
import { setEngineSource } from '../engine/wasm.js';

setEngineSource(async () => engineModule);

export * from '../index.js';
