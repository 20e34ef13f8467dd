/**
 * Load: the embedded proxy under connection churn — waves of short connections on loopback that end
 * every way a client can end (a clean close, a destroy, a TCP reset, a close before the first byte),
 * while toxics come and go and the proxy is disabled and enabled under them. Afterwards every socket
 * and file descriptor is gone and the proxy still carries traffic. Bounded: a fixed number of waves.
 */
import { connect, type Socket } from 'node:net';
import { Agent, fetch } from 'undici';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createRandom } from '../../../harness/core/random.js';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/server.js';
import {
  Cleanup,
  connectTo,
  eventually,
  openFileDescriptors,
  roundTripMs,
  startEchoServer,
  startToxiproxy,
  type TcpServer,
} from '../toxiproxy/helpers.js';

const WAVES = 25;
const PER_WAVE = 80;

let cleanup: Cleanup;
let server: ToxiproxyServer;
let upstream: TcpServer;
let agent: Agent;

beforeEach(async () => {
  cleanup = new Cleanup();
  upstream = await startEchoServer(cleanup);
  server = await startToxiproxy(cleanup);
  agent = new Agent({ connections: 1 });
  cleanup.add(() => agent.close().catch(() => undefined));
});
afterEach(() => cleanup.run());

async function call(method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    dispatcher: agent,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** One short-lived client: connect, maybe talk, then leave the way `how` says. Never throws. */
function churn(host: string, port: number, how: number): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, host);
    const done = (): void => resolve();
    socket.once('close', done);
    socket.on('error', () => undefined);
    socket.setTimeout(5_000, () => socket.destroy());
    if (how === 0) {
      socket.destroy(); // gone before the connection is even up
      return;
    }
    socket.once('connect', () => {
      if (how === 1)
        socket.resume().end('bye'); // clean half-close; read the echo to see the end
      else if (how === 2)
        socket.resetAndDestroy(); // TCP RST
      else {
        socket.write('ping');
        socket.once('data', () => (how === 3 ? socket.end() : socket.destroy()));
      }
    });
  });
}

it(`${WAVES * PER_WAVE} churning connections while toxics change leave no socket or descriptor behind`, async () => {
  const random = createRandom(0xc4a2);
  const created = await fetch(`${server.url}/proxies`, {
    method: 'POST',
    dispatcher: agent,
    body: JSON.stringify({ name: 'churn', listen: '127.0.0.1:0', upstream: upstream.address }),
  });
  const { listen } = (await created.json()) as { listen: string };
  const host = listen.slice(0, listen.lastIndexOf(':'));
  const port = Number(listen.slice(listen.lastIndexOf(':') + 1));
  const warm = await connectTo(cleanup, listen);
  await roundTripMs(warm);
  warm.destroy();
  await eventually(() => upstream.sockets.size === 0, 5_000);
  const fdsBefore = openFileDescriptors();
  const heapBefore = process.memoryUsage().heapUsed;
  let fdsPeak = fdsBefore;
  const toxics = [
    { name: 'lat', type: 'latency', attributes: { latency: 5, jitter: 2 } },
    { name: 'slice', type: 'slicer', attributes: { average_size: 2, delay: 10 } },
    { name: 'limit', type: 'limit_data', attributes: { bytes: 3 } },
    { name: 'rst', type: 'reset_peer', stream: 'upstream', toxicity: 0.3, attributes: { timeout: 0 } },
    { name: 'hang', type: 'timeout', toxicity: 0.2, attributes: { timeout: 50 } },
  ];
  const started = Date.now();
  const sampler = setInterval(() => (fdsPeak = Math.max(fdsPeak, openFileDescriptors())), 5);
  cleanup.add(() => clearInterval(sampler));
  for (let wave = 0; wave < WAVES; wave++) {
    const toxic = toxics[wave % toxics.length];
    const changes = (async () => {
      expect(await call('POST', '/proxies/churn/toxics', toxic)).toBe(200);
      if (wave % 7 === 3) {
        expect(await call('POST', '/proxies/churn', { enabled: false })).toBe(200); // closes live connections
        expect(await call('POST', '/proxies/churn', { enabled: true })).toBe(200);
      }
    })();
    await Promise.all([
      changes,
      ...Array.from({ length: PER_WAVE }, () => churn(host, port, Math.floor(random() * 5))),
    ]);
    expect(await call('DELETE', `/proxies/churn/toxics/${String(toxic?.name)}`)).toBe(204);
  }
  const churnMs = Date.now() - started;
  clearInterval(sampler);
  await agent.close();
  agent = new Agent({ connections: 1 });
  expect(await eventually(() => upstream.sockets.size === 0, 10_000)).toBe(true);
  expect(await eventually(() => openFileDescriptors() <= fdsBefore + 2, 10_000)).toBe(true);
  const fdsAfter = openFileDescriptors();
  const heapAfterMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  console.log(
    `proxy churn: ${WAVES * PER_WAVE} connections in ${WAVES} waves in ${churnMs} ms ` +
      `(${Math.round((WAVES * PER_WAVE * 1000) / churnMs)}/s); fds before ${fdsBefore}, peak ${fdsPeak}, after ${fdsAfter}; ` +
      `heap ${heapAfterMb >= 0 ? '+' : ''}${heapAfterMb.toFixed(1)} MB (no forced GC)`,
  );
  expect(fdsPeak).toBeGreaterThan(fdsBefore + 10); // the load was real: many connections were open at once
  // Still proxying, with no toxic left.
  const client = await connectTo(cleanup, listen);
  expect(await roundTripMs(client)).toBeLessThan(1_000);
});
