#!/usr/bin/env node
/**
 * The `streamstate` command (package.json `bin`). One subcommand so far:
 * `streamstate inspect` (see `inspect.ts`, or `streamstate inspect --help`).
 *
 * @module
 */
// The Node entry point: registers how the engine reads its .wasm (for SlateDB databases).
import '../entry/node.js';
import { INSPECT_USAGE, runInspect } from './inspect.js';

const USAGE = `Usage: streamstate <command> [options]

Commands:
  inspect   look at state (partitions, column families, changelog offsets, SlateDB manifests, keys)
            without changing it; streamstate inspect --help for its options

${INSPECT_USAGE}`;

const output = {
  out: (text: string): void => void process.stdout.write(text),
  err: (text: string): void => void process.stderr.write(text),
};

const [command, ...rest] = process.argv.slice(2);
let status: number;
if (command === 'inspect') {
  status = await runInspect(rest, output);
} else if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  output.out(`${USAGE}\n`);
  status = command === undefined ? 2 : 0;
} else {
  output.err(`streamstate: unknown command "${command}".\n\n${USAGE}\n`);
  status = 2;
}
// Exit once the output is written, without waiting for timers of closed databases.
process.exitCode = status;
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(status);
