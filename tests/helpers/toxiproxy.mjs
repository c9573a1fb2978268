// Toxiproxy for a test file: a TCP proxy on 127.0.0.1 (scripts/toxiproxy.sh, its own temporary
// state directory, stopped when the process exits) whose faults are set over its HTTP API, to put
// a slow or broken network between the library and a real server (MinIO, Kafka).
//
//   const toxiproxy = startToxiproxy();            // undefined only when it cannot be installed here
//   const proxy = await toxiproxy.createProxy({ name: 'minio', upstream: '127.0.0.1:9000' });
//   proxy.listen                                    // '127.0.0.1:PORT': point the client here
//   await proxy.addLatency(200);                    // every reply 200 ms late (downstream)
//   await proxy.addTimeout(500);                    // data stops; the connection closes after 500 ms
//   await proxy.removeToxic('latency-downstream');
//   await proxy.disable(); await proxy.enable();    // refuse / cut connections, then accept again
//
// Every API call has a deadline (an API that stops answering fails the test, it does not hang it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { skipLoudly as sharedSkipLoudly } from './skip-loudly.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(repoRoot, 'scripts', 'toxiproxy.sh');
const API_TIMEOUT_MS = 10_000;

/**
 * Starts a Toxiproxy server for this process.
 * @returns {undefined | { url: string, createProxy: Function, stop: () => void }} `undefined` when
 *   the script says (exit status 3) that it cannot be installed on this machine.
 */
export function startToxiproxy() {
  const state = mkdtempSync(path.join(tmpdir(), 'streamstate-toxiproxy-test-'));
  const env = { ...process.env, STREAMSTATE_TOXIPROXY_STATE: state };
  const stop = () => {
    spawnSync('bash', [script, 'stop'], { env, stdio: 'ignore', timeout: 15_000 });
    rmSync(state, { recursive: true, force: true });
  };
  process.on('exit', stop);
  // Building it (first use on a machine) takes ~20 s; starting it well under a second.
  const started = spawnSync('bash', [script, 'start'], { env, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  if (started.status === 3) return undefined;
  if (started.status !== 0) throw new Error(`scripts/toxiproxy.sh start failed with status ${started.status ?? started.signal}`);
  const out = spawnSync('bash', [script, 'env'], { env, encoding: 'utf8', timeout: 15_000 });
  const url = out.stdout?.match(/^export TOXIPROXY_URL=(.*)$/m)?.[1];
  if (!url) throw new Error(`scripts/toxiproxy.sh env printed no TOXIPROXY_URL: ${out.stderr}`);
  return { url, createProxy: (options) => createProxy(url, options), api: (method, route, body) => api(url, method, route, body), stop };
}

/** One call of the HTTP API; throws with the server's message on a non-2xx answer. */
async function api(url, method, route, body) {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(API_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Toxiproxy ${method} ${route} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Creates a proxy listening on a free loopback port and forwarding to `upstream` ('host:port').
 * @returns {Promise<{ name: string, listen: string, port: number, upstream: string,
 *   addToxic(toxic): Promise<object>, addLatency(ms, options?): Promise<object>,
 *   addTimeout(ms, options?): Promise<object>, removeToxic(name): Promise<void>,
 *   toxics(): Promise<object[]>, disable(): Promise<void>, enable(): Promise<void>, remove(): Promise<void> }>}
 */
export async function createProxy(url, { name, upstream }) {
  const created = await api(url, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream, enabled: true });
  const route = `/proxies/${encodeURIComponent(name)}`;
  const proxy = {
    name,
    upstream,
    listen: created.listen,
    port: Number(created.listen.split(':').pop()),
    /** Adds a toxic as the API takes it: `{ name, type, stream, toxicity, attributes }`. */
    addToxic: (toxic) => api(url, 'POST', `${route}/toxics`, { stream: 'downstream', toxicity: 1, ...toxic }),
    /** Delays data by `ms` (plus up to `jitter`); named `latency-<stream>` unless `name` is given. */
    addLatency: (ms, { stream = 'downstream', jitter = 0, name: toxicName } = {}) =>
      proxy.addToxic({ name: toxicName ?? `latency-${stream}`, type: 'latency', stream, attributes: { latency: ms, jitter } }),
    /** Stops all data; closes the connection after `ms` (0: holds it open, silent, until removed). */
    addTimeout: (ms, { stream = 'downstream', name: toxicName } = {}) =>
      proxy.addToxic({ name: toxicName ?? `timeout-${stream}`, type: 'timeout', stream, attributes: { timeout: ms } }),
    removeToxic: (toxicName) => api(url, 'DELETE', `${route}/toxics/${encodeURIComponent(toxicName)}`),
    toxics: () => api(url, 'GET', `${route}/toxics`),
    /** Closes every connection through the proxy and refuses new ones until `enable()`. */
    disable: async () => void (await api(url, 'POST', route, { enabled: false })),
    enable: async () => void (await api(url, 'POST', route, { enabled: true })),
    remove: () => api(url, 'DELETE', route),
  };
  return proxy;
}

/** Prints a skip reason so it cannot be missed, and records it as a skipped uvu test (a failed one under CI). */
export function skipLoudly(suiteFactory, name) {
  sharedSkipLoudly(suiteFactory, name, 'no Toxiproxy', 'scripts/toxiproxy.sh cannot install Toxiproxy on this machine (see above)');
}
