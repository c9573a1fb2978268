// The library under Bun: a word count on the SlateDB backend with its state in local files, run
// twice over the same state directory (the second run starts from the first's counts).
//
// Run: npx bun examples/deno-and-bun/bun.mjs [--state-dir DIR]
import { count } from './count-words.mjs';

await count({ runtime: `Bun ${Bun.version}`, args: process.argv.slice(2) });
