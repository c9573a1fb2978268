// Starts a real S3-compatible server (MinIO on 127.0.0.1, via scripts/s3-server.sh) with its own
// temporary state directory for one test file, and stops it when the process exits.
// Resolves to the client config, or to `undefined` only when the script says (exit status 3) that
// no server can be installed on this machine; the caller then skips loudly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { skipLoudly as sharedSkipLoudly } from './skip-loudly.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(repoRoot, 'scripts', 's3-server.sh');

/** Starts the server; returns `{ clientConfig }`, or `undefined` when it cannot be installed here. */
export function startS3Server() {
  const state = mkdtempSync(path.join(tmpdir(), 'streamstate-s3-test-'));
  const env = { ...process.env, STREAMSTATE_S3_STATE: state };
  const started = spawnSync('bash', [script, 'start'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  process.on('exit', () => {
    spawnSync('bash', [script, 'stop'], { env, stdio: 'ignore' });
    rmSync(state, { recursive: true, force: true });
  });
  if (started.status === 3) return undefined;
  if (started.status !== 0) throw new Error(`scripts/s3-server.sh start failed with status ${started.status}`);
  const out = spawnSync('bash', [script, 'env'], { env, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`scripts/s3-server.sh env failed: ${out.stderr}`);
  const vars = Object.fromEntries([...out.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  return {
    vars,
    clientConfig: {
      endpoint: vars.S3_ENDPOINT,
      region: vars.S3_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: vars.AWS_ACCESS_KEY_ID, secretAccessKey: vars.AWS_SECRET_ACCESS_KEY },
    },
  };
}

/** Prints a skip reason so it cannot be missed, and records it as a skipped uvu test (a failed one under CI). */
export function skipLoudly(suiteFactory, name) {
  sharedSkipLoudly(suiteFactory, name, 'no server', 'scripts/s3-server.sh cannot install an S3 server on this machine (see above)');
}
