// Bundles a worker for workerd (Cloudflare Workers) with esbuild the way wrangler does: ES modules,
// the "workerd", "worker" and "browser" export conditions (streamstate resolves to its workerd
// entry, the AWS SDK to its fetch-based browser build), Node built-ins left to workerd's Node.js
// compatibility, and the engine's .wasm kept as a separate module that workerd compiles (a worker
// may not compile wasm from bytes).
//
// One alias matters for S3: the AWS SDK's "browser" file map swaps its XML parser for one built on
// DOMParser, which workerd does not have (ListObjectsV2 would fail with a ReferenceError). The alias
// points @aws-sdk/xml-builder at its own build that parses XML in plain JavaScript, as on Node. With
// wrangler, the same line goes in wrangler.toml:
//   [alias]
//   "@aws-sdk/xml-builder" = "@aws-sdk/xml-builder/dist-cjs/index.js"
//
// Run: node examples/workerd/build.mjs [entry] [outdir]   (default: worker.mjs -> dist/)
import { builtinModules } from 'node:module';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/** The alias that gives the AWS SDK an XML parser that works without DOMParser. */
export const AWS_XML_ALIAS = { '@aws-sdk/xml-builder': '@aws-sdk/xml-builder/dist-cjs/index.js' };

/**
 * Bundles `entry` into `outdir/worker.js`, with every imported .wasm copied next to it.
 * @param {{ entry: string, outdir: string, xmlAlias?: boolean, nodePaths?: string[] }} options
 *   `xmlAlias: false` leaves the SDK's DOMParser-based parser in (to see the failure it causes)
 * @returns {Promise<{ bundle: string, modules: { name: string, file: string, type: 'esModule' | 'wasm' }[], bytes: number }>}
 */
export async function bundleWorker({ entry, outdir, xmlAlias = true, nodePaths = [] }) {
  mkdirSync(outdir, { recursive: true });
  const wasmModules = new Map();
  const builtins = new RegExp(`^(node:)?(${builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`);
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: path.join(outdir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    alias: xmlAlias ? AWS_XML_ALIAS : {},
    nodePaths,
    metafile: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'workerd-modules',
        setup(build) {
          // Node built-ins: provided by workerd (nodejs_compat), imported as node:*.
          build.onResolve({ filter: builtins }, (args) => ({ path: `node:${args.path.replace(/^node:/, '')}`, external: true }));
          // .wasm: a module of its own, compiled by workerd, imported by its file name.
          build.onResolve({ filter: /\.wasm$/ }, (args) => {
            const file = path.resolve(args.resolveDir, args.path);
            const name = path.basename(file);
            wasmModules.set(name, file);
            copyFileSync(file, path.join(outdir, name));
            return { path: `./${name}`, external: true };
          });
        },
      },
    ],
  });
  const bundle = path.join(outdir, 'worker.js');
  return {
    bundle,
    bytes: result.metafile.outputs[path.relative(process.cwd(), bundle)]?.bytes ?? Object.values(result.metafile.outputs)[0].bytes,
    inputs: Object.keys(result.metafile.inputs),
    modules: [
      { name: 'worker.js', file: bundle, type: 'esModule' },
      ...[...wasmModules.keys()].map((name) => ({ name, file: path.join(outdir, name), type: 'wasm' })),
    ],
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const { bundle, bytes } = await bundleWorker({
    entry: process.argv[2] ?? path.join(here, 'worker.mjs'),
    outdir: process.argv[3] ?? path.join(here, 'dist'),
  });
  console.log(`${bundle}: ${bytes} bytes`);
}
