// The packed library on every runtime: `npm pack` of the built package, installed into a fresh
// fixture project, run under Node (this one), Node 24, Deno, Bun and workerd through the package's
// "exports" conditions. Each fixture program prints a JSON result (tests/runtimes/fixture/); the
// tests here compare it with the exact expected one. A runtime whose binary cannot be installed is
// skipped loudly and counted; anything a runtime cannot do is asserted as the error it gives.
// See docs/runtimes.md.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp } from 'node:fs/promises';
import { rmSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  cliRuntimes,
  installWithoutOptional,
  packAndInstall,
  resolveExport,
  runProgram,
  startWorkerd,
  WORKERD_COMPATIBILITY_DATE,
  WORKERS,
  workerdRuntime,
  writeBundledWorkerdConfig,
  writeWorkerdConfig,
} from './runtimes/harness.mjs';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { startS3Server } from './helpers/s3-server.mjs';
import { bundleWorker } from '../examples/workerd/build.mjs';

// ---- what every runtime must answer ---------------------------------------------------------------

const ENGINE = {
  missing: null,
  afterPut: ['v1', 'v2'],
  afterDelete: null,
  batchSize: 9,
  forward: [['a', 'A'], ['b', 'B'], ['c', 'C2'], ['d', 'D'], ['e', 'E']],
  bytewise: ['00', '61', '62', '63', '64', '65', 'ff00'],
  bounded: ['b', 'c', 'd'],
  reverse: ['d', 'c', 'b'],
  reverseLimit: ['e', 'd'],
  empty: [],
  getMany: ['A', null, 'C2'],
  l0AfterMemtableFlush: 1,
  closedCode: 'CLOSED',
  reopenedForward: [['a', 'A'], ['b', 'B'], ['c', 'C2'], ['d', 'D'], ['e', 'E']],
  reopenedReverse: ['ff00', '65', '64', '63', '62', '61', '00'],
  reopenedGet: 'C2',
  reopenedWriterEpoch: 2,
};

const STATE_VALUES = { n: 2, list: [1, 'two', { three: 3 }], gone: 'default', user2: 10 };
const state = (backend, storeClass) => ({
  backend,
  storeClass,
  readOwnWrites: [2, false],
  statusAfterPrepare: 2, // PartitionTransactionStatus.PREPARED (the reference's numbers)
  statusAfterFlush: 3, // PartitionTransactionStatus.COMPLETE
  changelogOffset: 7,
  reread: STATE_VALUES,
  afterReassign: STATE_VALUES,
  changelogOffsetAfterReassign: 7,
});

/** The result of tests/runtimes/fixture/main.mjs on a runtime with a file system and the RocksDB addon. */
const full = (runtime) => ({
  runtime,
  entry: 'streamstate',
  exports: [],
  engineMemory: ENGINE,
  engineLocalFiles: ENGINE,
  stateMemory: state('memory', 'MemoryStore'),
  slatedbBackendInBuild: true,
  stateSlatedb: state('slatedb', 'SlateDBStore'),
  defaultBackend: ROCKSDB_BY_DEFAULT,
  rocksDbAvailable: true,
  stateRocksdb: state('rocksdb', 'RocksDBStore'),
  entryFile: 'dist/entry/node.js',
  engineS3: ENGINE_S3,
});

/** A manager given no backend where the RocksDB addon loads: RocksDB, said in one info line. */
const ROCKSDB_BY_DEFAULT = {
  backend: 'rocksdb',
  log: ['info: State backend: RocksDB (no backend option given; its native addon @nxtedition/rocksdb loads here).'],
};

/** Where the addon cannot load: SlateDB, with one info line giving the cause. */
function assertSlateDbByDefault(choice, cause, label) {
  assert.is(choice?.backend, 'slatedb', `${label}: ${JSON.stringify(choice)}`);
  assert.is(choice.log.length, 1, `${label}: one log line: ${JSON.stringify(choice.log)}`);
  assert.match(choice.log[0], /^info: State backend: SlateDB \(no backend option given; /);
  assert.match(choice.log[0], cause);
}

/** The engine on S3 (tests/runtimes/fixture/scenario.mjs s3Scenario): what it does on memory, then a listing. */
const ENGINE_S3 = { ...ENGINE, listedManifest: true };

/** Deno permission sets tried with tests/runtimes/fixture/deno-permissions.mjs. */
const DENO_PERMISSIONS = {
  none: [],
  'read only': ['--allow-read'],
  'for RocksDB': ['--allow-read', '--allow-write', '--allow-env', '--allow-ffi'],
};

/** Deno permission sets tried with tests/runtimes/fixture/s3.mjs (docs/runtimes.md lists the first). */
const DENO_S3_PERMISSIONS = {
  'for S3': ['--allow-read', '--allow-net', '--allow-env', '--allow-sys'],
  'without --allow-sys': ['--allow-read', '--allow-net', '--allow-env'],
};

const SLIM = { entry: 'streamstate/slim', beforeInit: 'ENGINE_NOT_LOADED', wasmSpecifierResolves: true, engineMemory: ENGINE };
const WEB = { entry: 'default', engineMemory: ENGINE };

function loudSkip(name, reason) {
  const line = `RUNTIME TESTS SKIPPED for ${name}: ${reason}`;
  process.stderr.write(`\n${'!'.repeat(Math.min(line.length, 100))}\n${line}\n${'!'.repeat(Math.min(line.length, 100))}\n\n`);
  const skipped = suite(`runtime ${name} (unavailable)`);
  skipped.skip(line, () => {});
  skipped.run();
}

/** A copy of `object` without `keys`. */
const without = (object, ...keys) => Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));

/** Compare section by section first, so a failure names the section and shows its error. */
function assertResult(actual, expected, label, ignored = ['version']) {
  for (const key of Object.keys(expected)) assert.equal(actual[key], expected[key], `${label}: ${key}`);
  const extra = Object.keys(actual).filter((key) => !(key in expected) && !ignored.includes(key));
  assert.equal(extra, [], `${label}: unexpected fields`);
}

// ---- pack, install, start everything at once --------------------------------------------------------

// S3 is part of every runtime's test: without a server these tests fail, they do not skip.
const s3Server = startS3Server();
if (!s3Server) throw new Error('runtime tests: scripts/s3-server.sh cannot install an S3 server here, and every runtime is tested on S3');
const BUCKET = 'runtimes';
{
  const client = new S3Client(s3Server.clientConfig);
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  client.destroy();
}
/** Where a run keeps its S3 objects: its own prefix in the test bucket. */
const s3For = (name) => ({ bucket: BUCKET, prefix: `${name}-${Date.now()}`, clientConfig: s3Server.clientConfig });

const installed = await packAndInstall();
process.on('exit', () => rmSync(installed.dir, { recursive: true, force: true }));
const packageJson = JSON.parse(readFileSync(path.join(installed.packageDir, 'package.json'), 'utf8'));
const webEntry = path.join(installed.packageDir, resolveExport(packageJson, '.', []));

const runtimes = cliRuntimes();
const runs = {};
for (const [name, runtime] of Object.entries(runtimes)) {
  if (runtime.unavailable) continue;
  // Started together; each test awaits its own. Failures are kept for the test to report.
  const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));
  runs[name] = {
    main: settle(
      mkdtemp(path.join(installed.dir, `${name}-`)).then((tempDir) =>
        runProgram(runtime, installed.fixture, 'main.mjs', {
          env: { STREAMSTATE_RUNTIME_TMP: tempDir, STREAMSTATE_RUNTIME_S3: JSON.stringify(s3For(name)) },
          timeoutMs: 150_000,
        }),
      ),
    ),
    slim: settle(runProgram(runtime, installed.fixture, 'slim.mjs')),
    ...(name === 'deno' || name === 'bun'
      ? { web: settle(runProgram(runtime, installed.fixture, 'web.mjs', { env: { STREAMSTATE_WEB_ENTRY: webEntry } })) }
      : {}),
  };
  if (name === 'deno') {
    for (const [label, flags] of Object.entries(DENO_S3_PERMISSIONS)) {
      runs.deno[`s3 ${label}`] = settle(
        runProgram({ ...runtime, args: ['run', '--no-prompt', ...flags] }, installed.fixture, 's3.mjs', {
          programArgs: [JSON.stringify(s3For(`deno-${label.replace(/\W+/g, '-')}`))],
        }),
      );
    }
    for (const [label, flags] of Object.entries(DENO_PERMISSIONS)) {
      runs.deno[`permissions ${label}`] = settle(
        mkdtemp(path.join(installed.dir, 'deno-permissions-')).then((tempDir) =>
          runProgram({ ...runtime, args: ['run', '--no-prompt', ...flags] }, installed.fixture, 'deno-permissions.mjs', { programArgs: [tempDir] }),
        ),
      );
    }
  }
}

// Node in a project that installed the package without its optional RocksDB addon.
const withoutAddon = (async () => {
  const fixture = await installWithoutOptional(installed);
  const tempDir = await mkdtemp(path.join(installed.dir, 'no-addon-'));
  return runProgram(runtimes.node, fixture, 'default-backend.mjs', { programArgs: [tempDir] });
})().then((value) => ({ value }), (error) => ({ error }));

async function resultOf(pending) {
  const { value, error } = await pending;
  if (error) throw error;
  return value.result;
}

// ---- the package itself ------------------------------------------------------------------------------

const packed = suite('runtimes: the packed package');

packed('npm pack ships the entry points, the engine glue and the .wasm, and no sources or tests', () => {
  for (const file of ['dist/entry/node.js', 'dist/entry/workerd.js', 'dist/entry/web.js', 'dist/entry/slim.js', 'dist/entry/s3.js', 'dist/index.d.ts', 'pkg/streamstate_engine.js', 'pkg/streamstate_engine_bg.wasm', 'package.json']) {
    assert.ok(installed.files.includes(file), `${file} is in the tarball`);
  }
  assert.equal(installed.files.filter((file) => /^(ts|tests|engine-rs|scripts)\//.test(file)), []);
});

packed('the "exports" conditions point at files that are in the package', () => {
  const want = {
    workerd: 'dist/entry/workerd.js',
    deno: 'dist/entry/node.js',
    bun: 'dist/entry/node.js',
    node: 'dist/entry/node.js',
    browser: 'dist/entry/web.js',
  };
  for (const [condition, file] of Object.entries(want)) {
    assert.is(resolveExport(packageJson, '.', [condition]), `./${file}`, condition);
    assert.ok(installed.files.includes(file), `${file} packed`);
  }
  assert.is(resolveExport(packageJson, './slim', []), './dist/entry/slim.js');
  assert.is(resolveExport(packageJson, './engine.wasm', []), './pkg/streamstate_engine_bg.wasm');
});

packed('without the RocksDB addon installed: SlateDB by default, and both messages say the package is not installed', async () => {
  const { defaultBackend, rocksdbOpen } = await resultOf(withoutAddon);
  assertSlateDbByDefault(defaultBackend, /the RocksDB native addon @nxtedition\/rocksdb is not installed \(npm install @nxtedition\/rocksdb to use RocksDB\)/, 'no addon');
  assert.is(rocksdbOpen.code, 'BACKEND_UNAVAILABLE');
  assert.match(rocksdbOpen.message, /Install it \(npm install @nxtedition\/rocksdb/);
  assert.not.match(rocksdbOpen.message, /permission/);
});

packed.run();

// ---- Node, Node 24, Deno, Bun -----------------------------------------------------------------------------

for (const [name, runtime] of Object.entries(runtimes)) {
  if (runtime.unavailable) {
    loudSkip(name, runtime.unavailable);
    continue;
  }
  const runtimeName = name === 'node24' ? 'node' : name;
  const s = suite(`runtime ${name} ${runtime.version}`);

  s('the main entry: engine on memory and local files, state on memory, SlateDB and RocksDB', async () => {
    const result = await resultOf(runs[name].main);
    assert.is(result.version, runtime.version, 'the fixture ran on the runtime under test');
    assertResult(result, full(runtimeName), name);
  });

  s('streamstate/slim: ENGINE_NOT_LOADED until initEngine(module), then the engine works', async () => {
    assertResult(await resultOf(runs[name].slim), SLIM, `${name} slim`);
  });

  if (runs[name].web) {
    s('the "default" (web) entry: the engine fetches its .wasm by file URL', async () => {
      assertResult(await resultOf(runs[name].web), WEB, `${name} web`);
    });
  }

  if (name === 'deno') {
    s('without permissions: ENGINE_NOT_LOADED saying --allow-read; RocksDB unavailable saying --allow-env', async () => {
      const { engine, rocksDbAvailable, rocksdbOpen, defaultBackend } = await resultOf(runs.deno['permissions none']);
      // The default backend: SlateDB, and the log line names the refused permission, not a missing package.
      assertSlateDbByDefault(defaultBackend, /refused a permission the RocksDB addon needs \(Requires env access to "PREBUILDS_ONLY", run again with the --allow-env flag; /, 'deno none');
      assert.is(engine.code, 'ENGINE_NOT_LOADED');
      assert.match(engine.message, /Requires read access to ".*streamstate_engine_bg\.wasm", run again with the --allow-read flag/);
      assert.is(rocksDbAvailable, false);
      assert.is(rocksdbOpen.code, 'BACKEND_UNAVAILABLE');
      assert.match(rocksdbOpen.message, /did not load in this runtime \(Requires env access to "PREBUILDS_ONLY", run again with the --allow-env flag\)/);
      // The cause is a permission, so the message says which flags, not "install it".
      assert.match(rocksdbOpen.message, /refused a permission: under Deno, RocksDB needs --allow-read --allow-write --allow-env --allow-ffi/);
      assert.not.match(rocksdbOpen.message, /Install it/);
    });

    s('S3 needs exactly --allow-read, --allow-net, --allow-env and --allow-sys; without --allow-sys the error says so', async () => {
      assert.equal(await resultOf(runs.deno['s3 for S3']), ENGINE_S3);
      const { error } = await resultOf(runs.deno['s3 without --allow-sys']);
      assert.ok(error, 'the engine on S3 fails without --allow-sys');
      assert.match(error.message, /--allow-sys/);
      assert.match(error.message, /S3_MISCONFIGURED|permissions/);
    });

    s('--allow-read is all the SlateDB engine needs (on a memory store); RocksDB needs read, write, env and ffi', async () => {
      const readOnly = await resultOf(runs.deno['permissions read only']);
      assert.is(readOnly.engine, 'opened and wrote');
      assert.is(readOnly.rocksDbAvailable, false);
      assertSlateDbByDefault(readOnly.defaultBackend, /--allow-env/, 'deno read only');
      const rocks = await resultOf(runs.deno['permissions for RocksDB']);
      assert.equal(rocks, { defaultBackend: ROCKSDB_BY_DEFAULT, engine: 'opened and wrote', rocksDbAvailable: true, rocksdbOpen: 'opened' });
    });
  }

  s.run();
}

// ---- workerd ----------------------------------------------------------------------------------------------

const workerd = workerdRuntime();
if (workerd.unavailable) {
  loudSkip('workerd', workerd.unavailable);
} else {
  const s = suite(`runtime workerd ${workerd.version}`);
  let server;
  let aliases;
  const results = {};

  s.before(async () => {
    let configPath;
    ({ configPath, aliases } = await writeWorkerdConfig(installed.fixture, WORKERS));
    server = await startWorkerd(workerd.command, configPath, Object.keys(WORKERS));
    await Promise.all(
      Object.keys(WORKERS).map(async (name) => {
        const response = await fetch(`http://127.0.0.1:${server.ports[name]}/`, { signal: AbortSignal.timeout(60_000) });
        const body = await response.text();
        results[name] = response.ok ? JSON.parse(body) : { status: response.status, body, log: server.output() };
      }),
    );
  });

  s.after(async () => {
    await server?.stop();
    await bundledServer?.stop();
  });

  // Bundled as wrangler bundles (examples/workerd/build.mjs): with S3, with and without the XML alias.
  let bundledServer;
  const bundled = {};
  s.before(async () => {
    const entry = path.join(installed.fixture, 'worker-s3.mjs');
    const workers = {};
    for (const [name, xmlAlias] of [['s3', true], ['s3-no-alias', false]]) {
      const { modules, bytes, inputs } = await bundleWorker({ entry, outdir: path.join(installed.fixture, `bundle-${name}`), xmlAlias });
      bundled[name] = { bytes, inputs };
      workers[name] = { modules, compatibilityDate: WORKERD_COMPATIBILITY_DATE };
    }
    const configPath = await writeBundledWorkerdConfig(installed.fixture, workers);
    bundledServer = await startWorkerd(workerd.command, configPath, Object.keys(workers));
    const ask = async (name, query) => {
      const response = await fetch(`http://127.0.0.1:${bundledServer.ports[name]}/?${query}`, { signal: AbortSignal.timeout(90_000) });
      const body = await response.text();
      return response.ok ? JSON.parse(body) : { status: response.status, body, log: bundledServer.output() };
    };
    [bundled.s3.result, bundled['s3-no-alias'].result] = await Promise.all([
      ask('s3', new URLSearchParams({ s3: JSON.stringify(s3For('workerd')) })),
      ask('s3-no-alias', new URLSearchParams({ s3: JSON.stringify(s3For('workerd-no-alias')), listOnly: '1' })),
    ]);
  });

  s('the bundle maps the package names as the "exports" workerd condition says', () => {
    assert.equal(aliases, {
      streamstate: 'node_modules/streamstate/dist/entry/workerd.js',
      'streamstate/slim': 'node_modules/streamstate/dist/entry/slim.js',
      'streamstate/engine.wasm': 'node_modules/streamstate/pkg/streamstate_engine_bg.wasm',
    });
  });

  s('main entry (Node.js compatibility on, the default since 2026-08-04): engine, state, local files on /tmp; RocksDB unavailable', () => {
    const result = results.main;
    assertResult(result, without({ ...full('workerd'), rocksDbAvailable: false }, 'entryFile', 'stateRocksdb', 'engineS3', 'defaultBackend'), 'workerd', ['stateRocksdb', 'defaultBackend']);
    assertSlateDbByDefault(result.defaultBackend, /this runtime cannot load native addons such as RocksDB \(its modules are not files to require from\)/, 'workerd default backend');
    const { error } = result.stateRocksdb;
    assert.ok(error, `stateRocksdb is an error: ${JSON.stringify(result.stateRocksdb)}`);
    assert.is(error.name, 'BackendUnavailableError');
    assert.is(error.code, 'BACKEND_UNAVAILABLE');
    assert.match(error.message, /needs the native addon @nxtedition\/rocksdb, which did not load in this runtime/);
    assert.match(error.message, /use backend: 'slatedb'/);
  });

  s('main entry without Node.js compatibility: engine and state on memory; no node:fs for local files or RocksDB', () => {
    const result = results['no-node'];
    assertResult(
      result,
      without({ ...full('workerd'), rocksDbAvailable: false }, 'entryFile', 'engineLocalFiles', 'stateRocksdb', 'engineS3', 'defaultBackend'),
      'workerd no-node',
      ['version', 'engineLocalFiles', 'stateRocksdb', 'defaultBackend'],
    );
    assertSlateDbByDefault(result.defaultBackend, /this runtime cannot load native addons such as RocksDB \(no node:module\)/, 'workerd no-node default backend');
    // Where there is no node:fs, LocalFileObjectStore and a file backend must fail with a code and
    // say why; SlateDb.open must reject (a permanent failure), never hang retrying.
    const { storeError, open } = result.engineLocalFiles;
    assert.ok(storeError, `LocalFileObjectStore failed: ${JSON.stringify(result.engineLocalFiles)}`);
    assert.match(storeError.message, /node:fs/);
    const rocksError = result.stateRocksdb.error;
    assert.ok(rocksError, `backend 'rocksdb' failed: ${JSON.stringify(result.stateRocksdb)}`);
    assert.match(rocksError.message, /node:fs\/promises|BACKEND_UNAVAILABLE|native addon/);
    assert.type(open, 'object', `SlateDb.open on a LocalFileObjectStore without node:fs must reject, got ${JSON.stringify(open)}`);
    assert.ok(open.code, `with a code: ${JSON.stringify(open)}`);
    assert.is(storeError.code, 'InvalidArgument', `LocalFileObjectStore without node:fs: ${JSON.stringify(storeError)}`);
    assert.ok(rocksError.code, `backend 'rocksdb' without node:fs fails with a code: ${JSON.stringify(rocksError)}`);
  });

  s('streamstate/slim with the .wasm module imported by the worker', () => {
    assertResult(results.slim, { ...without(SLIM, 'wasmSpecifierResolves'), moduleIsCompiled: true }, 'workerd slim');
  });

  s('bundled like wrangler: the engine on memory and on S3 (SlateDB lists, reads and writes through the AWS SDK)', () => {
    assert.ok(bundled.s3.inputs.some((file) => file.endsWith('streamstate/dist/entry/workerd.js')), 'the workerd entry was bundled');
    assert.ok(bundled.s3.inputs.some((file) => file.includes('@aws-sdk/xml-builder/dist-cjs/')), "the SDK's plain-JavaScript XML parser was bundled");
    assert.equal(bundled.s3.result, { engineMemory: ENGINE, engineS3: ENGINE_S3 });
  });

  s("bundled without the XML alias: the SDK's DOMParser parser fails fast with S3_MISCONFIGURED naming the fix, not a hang", () => {
    const { error } = bundled['s3-no-alias'].result.list ?? {};
    assert.ok(error, `listing fails: ${JSON.stringify(bundled['s3-no-alias'].result)}`);
    assert.is(error.code, 'S3_MISCONFIGURED');
    assert.match(error.message, /DOMParser/);
    assert.match(error.message, /@aws-sdk\/xml-builder\/dist-cjs\/index\.js/);
  });

  s('workerd logged no uncaught error and no global-scope violation', () => {
    assert.not.match(server.output(), /Uncaught|Disallowed operation called within global scope|script will never generate a response/);
  });

  s.run();
}
