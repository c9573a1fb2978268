// The Toxiproxy test helper (tests/helpers/toxiproxy.mjs) against a real Toxiproxy server
// (scripts/toxiproxy.sh) proxying a real TCP server (an echo server in this process): traffic
// passes, a latency toxic is listed and delays replies by at least its latency, a timeout toxic
// stops data and closes the connection, and a disabled proxy refuses connections. Skipped, loudly
// and counted, only if the script reports (exit status 3) that it cannot be installed here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { skipLoudly, startToxiproxy } from './helpers/toxiproxy.mjs';

const toxiproxy = startToxiproxy();
if (toxiproxy === undefined) skipLoudly(suite, 'Toxiproxy');
else run(toxiproxy);

/** Connects, sends `text`, and resolves with what came back before the connection ended or `ms` passed. */
function roundTrip(port, text, { ms = 10_000, expect = text.length } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const started = performance.now();
    let received = '';
    let closed = false;
    const timer = setTimeout(() => finish(), ms);
    const finish = (error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve({ received, closed, elapsed: performance.now() - started });
    };
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk) => {
      received += chunk;
      if (received.length >= expect) finish();
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', (error) => finish(error));
  });
}

function run(toxiproxy) {
  const test = suite('Toxiproxy (real server, proxying a TCP echo server)');
  let echo;
  let proxy;

  test.before(async () => {
    echo = net.createServer((socket) => socket.pipe(socket));
    await new Promise((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await toxiproxy.createProxy({ name: 'echo', upstream: `127.0.0.1:${echo.address().port}` });
  });

  test.after(async () => {
    await proxy?.remove().catch(() => {});
    await new Promise((resolve) => echo.close(resolve));
    toxiproxy.stop();
  });

  test('the proxy listens on its own loopback port and passes traffic both ways', async () => {
    assert.match(proxy.listen, /^127\.0\.0\.1:\d+$/);
    assert.is.not(proxy.port, echo.address().port);
    const { received } = await roundTrip(proxy.port, 'hello through the proxy');
    assert.is(received, 'hello through the proxy');
    assert.equal(await proxy.toxics(), []);
  });

  test('a latency toxic is listed and delays the reply by at least its latency', async () => {
    const latency = 300;
    const added = await proxy.addLatency(latency);
    assert.is(added.name, 'latency-downstream');
    const listed = await proxy.toxics();
    assert.equal(
      listed.map((t) => [t.name, t.type, t.stream, t.attributes.latency]),
      [['latency-downstream', 'latency', 'downstream', latency]],
    );
    const { received, elapsed } = await roundTrip(proxy.port, 'slow');
    assert.is(received, 'slow', 'traffic still passes');
    assert.ok(elapsed >= latency, `the reply came after ${elapsed.toFixed(0)} ms, expected at least ${latency} ms`);

    await proxy.removeToxic('latency-downstream');
    assert.equal(await proxy.toxics(), []);
    assert.is((await roundTrip(proxy.port, 'fast again')).received, 'fast again');
  });

  test('a timeout toxic stops the data and closes the connection after its timeout', async () => {
    await proxy.addTimeout(300);
    const { received, closed } = await roundTrip(proxy.port, 'lost', { ms: 10_000 });
    assert.is(received, '', 'no data came back');
    assert.ok(closed, 'the proxy closed the connection (before the 10 s deadline)');
    await proxy.removeToxic('timeout-downstream');
    assert.is((await roundTrip(proxy.port, 'back')).received, 'back');
  });

  test('a disabled proxy refuses connections; enabled again, it passes traffic', async () => {
    await proxy.disable();
    const refused = await roundTrip(proxy.port, 'nobody home').then(
      () => undefined,
      (error) => error,
    );
    assert.is(refused?.code, 'ECONNREFUSED');
    await proxy.enable();
    assert.is((await roundTrip(proxy.port, 'welcome back')).received, 'welcome back');
  });

  test('the API reports errors with the server\'s message (a toxic added twice)', async () => {
    await proxy.addLatency(10);
    try {
      await proxy.addLatency(10);
      assert.unreachable('adding the same toxic twice should fail');
    } catch (error) {
      assert.match(error.message, /409.*toxic already exists/);
    } finally {
      await proxy.removeToxic('latency-downstream');
    }
  });

  test.run();
}
