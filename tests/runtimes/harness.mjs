// The runtime harness: pack the built library with `npm pack`, install the tarball into a fresh
// fixture project (as a user would), and run the fixture programs under Node, Node 24, Deno, Bun and
// workerd. Used by tests/runtimes.test.mjs; `node tests/runtimes/harness.mjs` prints every
// runtime's result as JSON (after `npm run build`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { node24 } from '../helpers/node24.mjs';
import { runProcess } from '../helpers/run-node.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
const fixtureSources = path.join(here, 'fixture');
const bin = (name) => path.join(repoRoot, 'node_modules', '.bin', name);

/** The line a fixture program prints its result on. */
const RESULT_MARK = 'STREAMSTATE-RESULT ';

// Node 24 on demand (shared with the test runner, which runs tests/kafka/ on it).
export { NODE24_VERSION, node24 } from '../helpers/node24.mjs';

/** workerd's compatibility date for the test workers (fixed, so a workerd upgrade changes no behaviour silently). */
export const WORKERD_COMPATIBILITY_DATE = '2026-11-01';

/**
 * The workers the workerd tests serve. Since workerd's compatibility date 2026-08-04 `nodejs_compat`
 * is on by default (node:fs over an in-memory /tmp, node:path, process...), so `main` has it; `no-node`
 * is the same worker at an earlier date without the flag, where no `node:` module exists; `slim`
 * passes the module to `initEngine()` itself.
 */
export const WORKERS = {
  main: { main: 'worker.mjs', compatibilityDate: WORKERD_COMPATIBILITY_DATE },
  'no-node': { main: 'worker.mjs', compatibilityDate: '2025-09-01' },
  slim: { main: 'worker-slim.mjs', compatibilityDate: WORKERD_COMPATIBILITY_DATE },
};

function run(command, args, options = {}) {
  const out = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (out.error) throw out.error;
  return out;
}

/**
 * Packs the library as built in the repo (`dist/`, `pkg/`; run `npm run build` first) and installs
 * the tarball into a fresh project in a temporary directory, with its dependencies, from npm's cache
 * where possible.
 * @returns {Promise<{ dir: string, fixture: string, tarball: string, packageDir: string, files: string[], cleanup: () => Promise<void> }>}
 */
export async function packAndInstall() {
  if (!existsSync(path.join(repoRoot, 'dist', 'entry', 'node.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does) before the runtime tests');
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'streamstate-runtimes-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
    const packed = run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: repoRoot, env: npmEnv });
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    const [{ filename, files }] = JSON.parse(packed.stdout);
    const tarball = path.join(dir, path.basename(filename));
    const fixture = path.join(dir, 'fixture');
    await mkdir(fixture);
    await cp(fixtureSources, fixture, { recursive: true });
    await writeFile(
      path.join(fixture, 'package.json'),
      JSON.stringify({ name: 'streamstate-runtime-fixture', private: true, type: 'module' }, null, 2),
    );
    const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
      cwd: fixture,
      env: npmEnv,
    });
    if (installed.status !== 0) throw new Error(`npm install of the packed tarball failed:\n${installed.stderr}`);
    const packageDir = path.join(fixture, 'node_modules', 'streamstate');
    return { dir, fixture, tarball, packageDir, files: files.map((file) => file.path), cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * Installs the tarball `packAndInstall` made into another fresh project, without optional
 * dependencies (so without the RocksDB addon), with the fixture programs.
 * @returns {Promise<string>} the project's directory
 */
export async function installWithoutOptional(installed) {
  const fixture = path.join(installed.dir, 'fixture-no-optional');
  await mkdir(fixture);
  await cp(fixtureSources, fixture, { recursive: true });
  await writeFile(path.join(fixture, 'package.json'), JSON.stringify({ name: 'streamstate-runtime-fixture-no-optional', private: true, type: 'module' }, null, 2));
  const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const out = run('npm', ['install', '--prefer-offline', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error', installed.tarball], { cwd: fixture, env: npmEnv });
  if (out.status !== 0) throw new Error(`npm install --omit=optional of the packed tarball failed:\n${out.stderr}`);
  return fixture;
}

/**
 * Resolves a subpath of a package's "exports" for a set of conditions, as Node's algorithm (and
 * bundlers such as esbuild for workerd) does: the first key, in object order, that is one of the
 * conditions (or "default") wins; nested condition objects recurse.
 * @returns {string} the target, e.g. "./dist/entry/workerd.js"
 */
export function resolveExport(packageJson, subpath, conditions) {
  let target = packageJson.exports?.[subpath];
  while (target && typeof target === 'object') {
    const key = Object.keys(target).find((k) => k === 'default' || conditions.includes(k));
    if (key === undefined) return undefined;
    target = target[key];
  }
  return target;
}

/** A runtime: how to run a fixture program there, and its version (or why it cannot run). */
export function cliRuntimes() {
  const node24Binary = node24();
  return {
    node: { command: process.execPath, args: [], version: process.versions.node },
    node24: node24Binary.path
      ? { command: node24Binary.path, args: [], version: run(node24Binary.path, ['--version']).stdout.trim().replace(/^v/, '') }
      : { unavailable: node24Binary.reason },
    deno: binaryRuntime('deno', ['run', '-A'], (out) => out.match(/^deno (\S+)/m)?.[1]),
    bun: binaryRuntime('bun', ['run'], (out) => out.trim()),
  };
}

function binaryRuntime(name, args, parseVersion) {
  const command = bin(name);
  if (!existsSync(command)) {
    return { unavailable: `${command} is missing: the devDependency "${name}" is not installed (npm install)` };
  }
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return { unavailable: `${name} --version failed: ${probe.error?.message ?? probe.stderr.trim()}` };
  }
  return { command, args, version: parseVersion(probe.stdout) };
}

/**
 * Runs a fixture program (`main.mjs`, `slim.mjs`...) under a runtime (`{ command, args }`, the
 * args before the program's path) and returns the JSON it printed.
 * @throws when the program fails or prints no result (with its output)
 */
export async function runProgram(runtime, fixture, program, { timeoutMs = 60_000, env = {}, programArgs = [] } = {}) {
  const { code, signal, stdout, stderr } = await runProcess(runtime.command, [...runtime.args, program, ...programArgs], {
    cwd: fixture,
    timeoutMs,
    // Plain messages from every runtime (no ANSI colours); Node warns when FORCE_COLOR overrides NO_COLOR.
    env: { FORCE_COLOR: undefined, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...env },
  });
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (code !== 0 || line === undefined) throw new Error(`${runtime.command} ${program} exited with ${signal ?? code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  return { result: JSON.parse(line.slice(RESULT_MARK.length)), stderr };
}

/**
 * Writes a workerd config (Cap'n Proto text) serving the fixture's workers from the installed
 * package. Every file of the package is a module of the worker, named by its path, so the
 * package's relative imports resolve as they do on disk: `.js` files as ES modules and the `.wasm`
 * as a `wasm` module (workerd hands the importer a compiled `WebAssembly.Module`). The bare names
 * `streamstate`, `streamstate/slim` and `streamstate/engine.wasm` are small modules that re-export
 * what the package's "exports" give for the conditions a workerd bundler uses (workerd, worker,
 * browser, import), as esbuild would resolve them.
 * @param workers - `{ name: { main, compatibilityDate, compatibilityFlags } }`
 * @returns {Promise<string>} the config's path
 */
export async function writeWorkerdConfig(fixture, workers) {
  const packageRoot = 'node_modules/streamstate';
  const packageJson = JSON.parse(await readFile(path.join(fixture, packageRoot, 'package.json'), 'utf8'));
  const conditions = ['workerd', 'worker', 'browser', 'import'];
  const packageFiles = await listFiles(path.join(fixture, packageRoot));
  const modules = [];
  for (const file of packageFiles) {
    const name = `${packageRoot}/${file}`;
    if (file.endsWith('.js')) modules.push(`(name = ${quote(name)}, esModule = embed ${quote(name)})`);
    else if (file.endsWith('.wasm')) modules.push(`(name = ${quote(name)}, wasm = embed ${quote(name)})`);
  }
  const aliases = [];
  for (const [specifier, subpath] of [['streamstate', '.'], ['streamstate/slim', './slim'], ['streamstate/engine.wasm', './engine.wasm']]) {
    const target = resolveExport(packageJson, subpath, conditions);
    if (target === undefined) throw new Error(`package.json exports has no ${subpath} for ${conditions.join(', ')}`);
    const targetName = `${packageRoot}/${target.replace(/^\.\//, '')}`;
    const aliasFile = `alias-${specifier.replace(/[^a-z0-9]+/gi, '-')}.mjs`;
    const body = targetName.endsWith('.wasm')
      ? `export { default } from ${JSON.stringify(`/${targetName}`)};\n`
      : `export * from ${JSON.stringify(`/${targetName}`)};\n`;
    await writeFile(path.join(fixture, aliasFile), body);
    aliases.push({ specifier, target: targetName, module: `(name = ${quote(specifier)}, esModule = embed ${quote(aliasFile)})` });
  }
  const services = [];
  const sockets = [];
  const definitions = [];
  for (const [name, { main, compatibilityDate, compatibilityFlags = [] }] of Object.entries(workers)) {
    const ident = `w${services.length}`;
    services.push(`(name = ${quote(name)}, worker = .${ident})`);
    sockets.push(`(name = ${quote(name)}, address = "127.0.0.1:0", http = (), service = ${quote(name)})`);
    const own = [main, 'scenario.mjs'].map((file) => `(name = ${quote(file)}, esModule = embed ${quote(file)})`);
    definitions.push(
      `const ${ident} :Workerd.Worker = (\n  modules = [\n    ${[...own, ...aliases.map((a) => a.module), ...modules].join(',\n    ')}\n  ],\n` +
        `  compatibilityDate = ${quote(compatibilityDate)},\n  compatibilityFlags = [${compatibilityFlags.map(quote).join(', ')}],\n);`,
    );
  }
  const config =
    `# Generated by tests/runtimes/harness.mjs from the installed package.\n` +
    `using Workerd = import "/workerd/workerd.capnp";\n\n` +
    `const config :Workerd.Config = (\n  services = [\n    ${services.join(',\n    ')}\n  ],\n  sockets = [\n    ${sockets.join(',\n    ')}\n  ],\n);\n\n` +
    `${definitions.join('\n\n')}\n`;
  const configPath = path.join(fixture, 'workerd.capnp');
  await writeFile(configPath, config);
  return { configPath, aliases: Object.fromEntries(aliases.map((a) => [a.specifier, a.target])) };
}

async function listFiles(root, prefix = '') {
  const out = [];
  for (const entry of await readdir(path.join(root, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, relative)));
    else out.push(relative);
  }
  return out.sort();
}

const quote = (text) => JSON.stringify(text);

/**
 * Writes a workerd config serving bundled workers (see examples/workerd/build.mjs): each worker's
 * modules are its bundle and the .wasm next to it; its outbound network may reach loopback (the
 * test's S3 server), which workerd refuses by default.
 * @param dir - where to write the config; module files are embedded by absolute path
 * @param workers - `{ name: { modules: [{ name, file, type }], compatibilityDate } }`
 * @returns {Promise<string>} the config's path
 */
export async function writeBundledWorkerdConfig(dir, workers) {
  const services = ['(name = "loopback-network", network = (allow = ["public", "private", "local"]))'];
  const sockets = [];
  const definitions = [];
  for (const [name, { modules, compatibilityDate }] of Object.entries(workers)) {
    const ident = `b${definitions.length}`;
    services.push(`(name = ${quote(name)}, worker = .${ident})`);
    sockets.push(`(name = ${quote(name)}, address = "127.0.0.1:0", http = (), service = ${quote(name)})`);
    definitions.push(
      `const ${ident} :Workerd.Worker = (\n  modules = [${modules.map((m) => `(name = ${quote(m.name)}, ${m.type} = embed ${quote(path.relative(dir, m.file))})`).join(', ')}],\n` +
        `  compatibilityDate = ${quote(compatibilityDate)},\n  globalOutbound = "loopback-network",\n);`,
    );
  }
  const configPath = path.join(dir, 'bundled.capnp');
  await writeFile(
    configPath,
    `using Workerd = import "/workerd/workerd.capnp";\n\nconst config :Workerd.Config = (\n  services = [\n    ${services.join(',\n    ')}\n  ],\n` +
      `  sockets = [\n    ${sockets.join(',\n    ')}\n  ],\n);\n\n${definitions.join('\n\n')}\n`,
  );
  return configPath;
}

/** workerd's binary and version, or why it cannot run. */
export function workerdRuntime() {
  return binaryRuntime('workerd', [], (out) => out.match(/workerd (\S+)/)?.[1]);
}

/**
 * Starts workerd on a config; resolves once every socket listens (workerd reports the ports it
 * bound on its control descriptor), with the ports by socket name and a stop function.
 */
export function startWorkerd(command, configPath, socketNames, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['serve', '--control-fd=3', configPath], {
      cwd: path.dirname(configPath),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    // Never outlive the test process, whatever happens to the caller's cleanup.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    let output = '';
    const ports = {};
    let settled = false;
    const stop = () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        // SIGTERM drains open requests; one that never ends would keep workerd up, so not for long.
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        child.kill('SIGTERM');
      });
    const fail = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`workerd did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let control = '';
    child.stdio[3].on('data', (chunk) => {
      control += chunk;
      for (const line of control.split('\n').slice(0, -1)) {
        const message = JSON.parse(line);
        if (message.event === 'listen') ports[message.socket] = message.port;
      }
      control = control.slice(control.lastIndexOf('\n') + 1);
      if (!settled && socketNames.every((name) => ports[name])) {
        settled = true;
        clearTimeout(timer);
        resolve({ ports, stop, output: () => output });
      }
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => fail(new Error(`workerd exited with ${signal ?? code} before listening:\n${output}`)));
  });
}

// `node tests/runtimes/harness.mjs`: every runtime's result, for looking at by hand.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const installed = await packAndInstall();
  try {
    const report = {};
    for (const [name, runtime] of Object.entries(cliRuntimes())) {
      if (runtime.unavailable) {
        report[name] = { unavailable: runtime.unavailable };
        continue;
      }
      const tempDir = await mkdtemp(path.join(installed.dir, `${name}-`));
      report[name] = {
        version: runtime.version,
        main: (await runProgram(runtime, installed.fixture, 'main.mjs', { env: { STREAMSTATE_RUNTIME_TMP: tempDir } })).result,
        slim: (await runProgram(runtime, installed.fixture, 'slim.mjs')).result,
      };
    }
    const workerd = workerdRuntime();
    if (workerd.unavailable) report.workerd = { unavailable: workerd.unavailable };
    else {
      const { configPath } = await writeWorkerdConfig(installed.fixture, WORKERS);
      const server = await startWorkerd(workerd.command, configPath, Object.keys(WORKERS));
      try {
        report.workerd = { version: workerd.version };
        for (const name of Object.keys(WORKERS)) {
          const response = await fetch(`http://127.0.0.1:${server.ports[name]}/`);
          report.workerd[name] = response.ok ? await response.json() : { status: response.status, body: await response.text(), log: server.output() };
        }
      } finally {
        await server.stop();
      }
    }
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await installed.cleanup();
  }
}
