// Entry point for Node, Deno and Bun (package.json "exports" conditions node, deno, bun).
export * from '../index.js';
