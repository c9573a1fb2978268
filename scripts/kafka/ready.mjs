// Waits until a Kafka broker answers an ApiVersions request (the broker is ready to serve clients;
// an open port alone is not enough), polling until a deadline. No dependencies: the request is
// written by hand (ApiVersions v0, request header v1), so this runs on any Node.
//
//   node scripts/kafka/ready.mjs <port> <jvm pid> <deadline ms>
//
// Exit 0: ready. Exit 1: no answer before the deadline. Exit 2: the process <pid> ended first.
import net from 'node:net';

const [port, pid, deadlineMs] = process.argv.slice(2).map(Number);
const API_VERSIONS = 18;
const CORRELATION_ID = 0x5eed;
const CLIENT_ID = Buffer.from('streamstate-ready-probe');

function apiVersionsRequest() {
  const body = Buffer.alloc(2 + 2 + 4 + 2 + CLIENT_ID.length);
  let at = body.writeInt16BE(API_VERSIONS, 0);
  at = body.writeInt16BE(0, at); // api version 0
  at = body.writeInt32BE(CORRELATION_ID, at);
  at = body.writeInt16BE(CLIENT_ID.length, at);
  CLIENT_ID.copy(body, at);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** One attempt: resolves to true when the broker answered with error code 0 (NONE). */
function probe() {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const done = (ok) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 2000);
    socket.on('connect', () => socket.write(apiVersionsRequest()));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      // size (int32), correlation id (int32), error code (int16), then the api key array
      if (received.length < 10) return;
      const size = received.readInt32BE(0);
      if (received.length < 4 + size) return;
      done(received.readInt32BE(4) === CORRELATION_ID && received.readInt16BE(8) === 0);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

const alive = () => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const deadline = Date.now() + deadlineMs;
while (Date.now() < deadline) {
  if (await probe()) process.exit(0);
  if (!alive()) process.exit(2);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
process.exit(1);
