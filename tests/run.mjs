#!/usr/bin/env node
// Runs every uvu test file (tests/**/*.test.mjs, or those matching argv[2]) and ends with an
// unambiguous count line, "N passed, N failed", after uvu's own Total/Passed/Skipped summary.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pattern = process.argv[2] ?? '\\.test\\.mjs$';
const uvu = path.join(root, 'node_modules', 'uvu', 'bin.js');
// Plain output (the summary is parsed below); NO_COLOR alone, since Node warns when both are set.
const env = { ...process.env, NO_COLOR: '1' };
delete env.FORCE_COLOR;
const child = spawn(process.execPath, [uvu, 'tests', pattern], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env,
});
let out = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  out += chunk.toString();
});
child.on('close', (code) => {
  const num = (label) => {
    const m = out.match(new RegExp(`${label}:\\s+(\\d+)`));
    return m ? Number(m[1]) : 0;
  };
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped');
  const failed = Math.max(total - passed - skipped, code === 0 ? 0 : 1);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
