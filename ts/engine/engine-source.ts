/**
 * The public face of loading the wasm engine: what {@link initEngine} accepts. Kept apart from
 * `wasm.ts` (which imports the wasm-bindgen glue) so the package's type declarations never pull in
 * the glue's declarations, which need the DOM lib (`RequestInfo`, `BufferSource`, `WebAssembly`).
 *
 * @module
 */
import { initEngineFromSource } from './wasm.js';

/**
 * A compiled WebAssembly module (a `WebAssembly.Module`, e.g. what workerd or a bundler hands you
 * for an imported `.wasm`). Opaque here, so these declarations need no DOM lib.
 */
export type CompiledWasmModule = object;

/**
 * The engine's `.wasm` as {@link initEngine} takes it: a compiled module, its bytes (an
 * `ArrayBuffer` or a view such as `Uint8Array`), a `URL` to fetch it from, or a fetch `Response`.
 * Typed without the DOM lib: a URL is anything with an `href`, a Response anything with
 * `arrayBuffer()`, a module any object.
 */
export type EngineSource =
  | ArrayBuffer
  | ArrayBufferView
  | { readonly href: string }
  | { arrayBuffer(): Promise<ArrayBuffer> }
  | CompiledWasmModule;

/**
 * Supplies the engine's wasm directly (for `streamstate/slim`, bundlers and edge runtimes that
 * hand you a compiled `WebAssembly.Module`) and loads it.
 * @param source - a compiled module, the `.wasm` bytes, a URL or a Response
 * @throws SlateDbError `ENGINE_NOT_LOADED` when the source cannot be instantiated
 */
export function initEngine(source: EngineSource): Promise<void> {
  return initEngineFromSource(source);
}
