/**
 * Loading the wasm engine. Nothing happens at import time: the first `SlateDb.open()` loads and
 * instantiates the module from the source an entry point registered (Node, Deno and Bun read the
 * file; workerd imports the module statically; browsers fetch it; `streamstate/slim` callers pass
 * their own with {@link initEngine}).
 *
 * @module
 */
import init, * as bindings from '../../pkg/streamstate_engine.js';
import type { InitInput } from '../../pkg/streamstate_engine.js';
import { SlateDbError } from './errors.js';

/** The raw wasm-bindgen exports of the engine. Internal: use {@link SlateDb}. */
export type EngineBindings = typeof bindings;

import type { EngineSource } from './engine-source.js';

let sourceLoader: (() => Promise<EngineSource>) | undefined;
let loading: Promise<EngineBindings> | undefined;

/**
 * Registers how to get the engine's `.wasm`. Entry points call this; users of
 * `streamstate/slim` call {@link initEngine} instead.
 * @param loader - resolves to the module, its bytes, a URL or a Response
 */
export function setEngineSource(loader: () => Promise<EngineSource>): void {
  sourceLoader = loader;
}

/**
 * Loads and instantiates the engine once (later calls share the same instance).
 * @throws SlateDbError `ENGINE_NOT_LOADED` when no source is registered or loading fails.
 */
export function loadEngine(): Promise<EngineBindings> {
  if (!loading) {
    const loader = sourceLoader;
    if (!loader) {
      return Promise.reject(
        new SlateDbError(
          'ENGINE_NOT_LOADED',
          'the SlateDB wasm engine has no source: import "streamstate" (its entry point for ' +
            'Node, Deno, Bun or workerd loads it), or with "streamstate/slim" call ' +
            'initEngine(moduleOrBytes) before SlateDb.open()',
        ),
      );
    }
    loading = (async () => {
      try {
        await init({ module_or_path: (await loader()) as InitInput });
        return bindings;
      } catch (err) {
        loading = undefined;
        throw new SlateDbError(
          'ENGINE_NOT_LOADED',
          `could not load the SlateDB wasm engine: ${(err as Error)?.message ?? err}`,
          { cause: err },
        );
      }
    })();
  }
  return loading;
}

/**
 * What the public `initEngine` (engine-source.ts) does: register `source` and load it.
 * @param source - a compiled module, the `.wasm` bytes, a URL or a Response
 */
export function initEngineFromSource(source: EngineSource): Promise<void> {
  setEngineSource(async () => source);
  loading = undefined;
  return loadEngine().then(() => undefined);
}
