// The library under Deno: a word count on the SlateDB backend with its state in local files, run
// twice over the same state directory (the second run starts from the first's counts).
// Deno permissions: --allow-read (the engine's .wasm, the state), --allow-write (the state),
// --allow-env (the library reads a few settings). No network: nothing here uses S3.
//
// Run: npx deno run --allow-read --allow-write --allow-env examples/deno-and-bun/deno.mjs [--state-dir DIR]
import { count } from './count-words.mjs';

await count({ runtime: `Deno ${Deno.version.deno}`, args: Deno.args });
