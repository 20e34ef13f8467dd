/**
 * The load side of the proxy benchmark, run in a worker thread so the proxy (on the main thread) gets
 * a thread of its own, as a real Toxiproxy process would. It is plain JavaScript evaluated by the
 * worker, so it runs the same under tsx, vitest and the compiled build.
 *
 * Messages in:  {kind: 'throughput', port, durationMs} | {kind: 'latency', port, durationMs} | {kind: 'stop'}
 * Messages out: {kind: 'ready', sinkPort, echoPort} | {kind: 'throughput', bytesPerSecond}
 *               | {kind: 'latency', roundTripsMs: number[]}
 */
export const BENCH_LOAD_WORKER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const net = require('node:net');

const sockets = new Set();
const track = (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); socket.on('error', () => {}); socket.setNoDelay(true); return socket; };

// The sink counts what arrives on each connection; the last connection's count answers a throughput run.
let sinkResult = null;
const sink = net.createServer((socket) => {
  track(socket);
  let bytes = 0;
  let firstAt = 0;
  socket.on('data', (chunk) => { if (!firstAt) firstAt = performance.now(); bytes += chunk.length; });
  socket.on('end', () => { const seconds = (performance.now() - firstAt) / 1000; sinkResult && sinkResult(bytes / seconds); socket.end(); });
});
const echo = net.createServer((socket) => { track(socket); socket.on('data', (d) => socket.write(d)); socket.on('end', () => socket.end()); });

function connect(port) {
  return new Promise((resolve, reject) => {
    const socket = track(net.connect({ host: '127.0.0.1', port }));
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function throughput(port, durationMs) {
  const result = new Promise((resolve) => (sinkResult = resolve));
  const socket = await connect(port);
  const block = Buffer.alloc(64 * 1024, 120);
  const until = performance.now() + durationMs;
  await new Promise((resolve) => {
    const pump = () => {
      while (performance.now() < until) if (!socket.write(block)) return void socket.once('drain', pump);
      resolve();
    };
    pump();
  });
  socket.end();
  const bytesPerSecond = await result;
  socket.destroy();
  return bytesPerSecond;
}

async function latency(port, durationMs) {
  const socket = await connect(port);
  const message = Buffer.alloc(32, 97);
  const roundTripsMs = [];
  const until = performance.now() + durationMs;
  while (performance.now() < until) {
    const started = performance.now();
    await new Promise((resolve) => {
      let received = 0;
      const onData = (d) => { received += d.length; if (received >= message.length) { socket.off('data', onData); resolve(); } };
      socket.on('data', onData);
      socket.write(message);
    });
    roundTripsMs.push(performance.now() - started);
  }
  socket.destroy();
  return roundTripsMs;
}

parentPort.on('message', async (message) => {
  if (message.kind === 'throughput') parentPort.postMessage({ kind: 'throughput', bytesPerSecond: await throughput(message.port, message.durationMs) });
  else if (message.kind === 'latency') parentPort.postMessage({ kind: 'latency', roundTripsMs: await latency(message.port, message.durationMs) });
  else if (message.kind === 'stop') { for (const s of sockets) s.destroy(); sink.close(); echo.close(); parentPort.close(); }
});

let listening = 0;
const ready = () => { if (++listening === 2) parentPort.postMessage({ kind: 'ready', sinkPort: sink.address().port, echoPort: echo.address().port }); };
sink.listen(0, '127.0.0.1', ready);
echo.listen(0, '127.0.0.1', ready);
`;
