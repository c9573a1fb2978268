// The real servers bench/kafka-recovery.mjs runs against, each with its own temporary state
// directory and free ports on 127.0.0.1: a Kafka broker (scripts/kafka-server.sh, through the test
// helper that already manages one) and MinIO (scripts/s3-server.sh). Both are stopped by `stop()`,
// and killed when the process exits without having stopped them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafkaServer } from '../../tests/helpers/kafka-server.mjs';
import { runProcess } from '../../tests/helpers/run-node.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const s3Script = path.join(repoRoot, 'scripts', 's3-server.sh');

/** Thrown when a server cannot be installed on this machine (the scripts' exit status 3). */
export class ServerUnavailable extends Error {}

/** Runs scripts/s3-server.sh with a deadline; resolves to its exit code and output. */
const runS3Script = (command, env, timeoutMs) => runProcess('bash', [s3Script, command], { env, timeoutMs });

/**
 * Starts MinIO on a free loopback port with its own temporary data directory.
 * @returns {Promise<{ clientConfig: object, startMs: number, stop(): Promise<void> }>}
 * @throws ServerUnavailable when MinIO cannot be installed here
 */
export async function startMinio() {
  const state = mkdtempSync(path.join(tmpdir(), 'streamstate-bench-s3-'));
  const env = { ...process.env, STREAMSTATE_S3_STATE: state };
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    spawnSync('bash', [s3Script, 'stop'], { env, stdio: 'ignore' });
    rmSync(state, { recursive: true, force: true });
  };
  process.on('exit', stopSync);
  const started = performance.now();
  const out = await runS3Script('start', env);
  if (out.code === 3) {
    process.off('exit', stopSync);
    stopSync();
    throw new ServerUnavailable(`MinIO cannot be installed here: ${out.stderr.trim().split('\n').pop()}`);
  }
  if (out.code !== 0) {
    stopSync();
    throw new Error(`scripts/s3-server.sh start failed with status ${out.code}: ${out.stderr.trim()}`);
  }
  const startMs = performance.now() - started;
  const printed = await runS3Script('env', env);
  const vars = Object.fromEntries([...printed.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  if (!vars.S3_ENDPOINT) {
    stopSync();
    throw new Error(`scripts/s3-server.sh env printed no S3_ENDPOINT: ${printed.stderr}`);
  }
  return {
    startMs,
    clientConfig: {
      endpoint: vars.S3_ENDPOINT,
      region: vars.S3_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: vars.AWS_ACCESS_KEY_ID, secretAccessKey: vars.AWS_SECRET_ACCESS_KEY },
    },
    stop: async () => {
      if (stopped) return;
      const result = await runS3Script('stop', env, 30_000);
      stopped = true;
      process.off('exit', stopSync);
      rmSync(state, { recursive: true, force: true });
      if (result.code !== 0) throw new Error(`scripts/s3-server.sh stop failed with status ${result.code}: ${result.stderr.trim()}`);
    },
  };
}

/**
 * Starts a Kafka broker of this process's own (KRaft, one node, loopback, free ports).
 * @returns {Promise<{ bootstrap: string, startMs: number, stop(): Promise<void> }>}
 * @throws ServerUnavailable when no broker can be installed here
 */
export async function startKafka() {
  const started = performance.now();
  // dedicated: never a broker of the test runner's (KAFKA_BOOTSTRAP), always our own.
  const server = await startKafkaServer({ dedicated: true });
  if (server === undefined) throw new ServerUnavailable('scripts/kafka-server.sh cannot install a Kafka broker on this machine (see above)');
  return { bootstrap: server.bootstrap, startMs: performance.now() - started, stop: () => server.stop() };
}
