/**
 * 1000 concurrent connections through one proxy while toxics are added, updated and removed: every
 * socket and file descriptor the proxy opened is gone afterwards. The API is driven over a dedicated
 * undici Agent that is closed before counting, so its keep-alive sockets do not blur the count.
 */
import type { Socket } from 'node:net';
import { Agent, fetch } from 'undici';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/server.js';
import {
  Cleanup,
  closed,
  connectTo,
  eventually,
  openFileDescriptors,
  roundTripMs,
  startEchoServer,
  startToxiproxy,
  type TcpServer,
} from './helpers.js';

const CONNECTIONS = 1000;

let cleanup: Cleanup;
let server: ToxiproxyServer;
let upstream: TcpServer;
let agent: Agent;

beforeEach(async () => {
  cleanup = new Cleanup();
  upstream = await startEchoServer(cleanup);
  server = await startToxiproxy(cleanup);
  agent = new Agent({ connections: 1 });
  cleanup.add(() => agent.close().catch(() => undefined)); // the test closes it itself when it passes
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

it('leaks no sockets or file descriptors with 1000 concurrent connections while toxics change', async () => {
  const created = await fetch(`${server.url}/proxies`, {
    method: 'POST',
    dispatcher: agent,
    body: JSON.stringify({ name: 'busy', listen: '127.0.0.1:0', upstream: upstream.address }),
  });
  const { listen } = (await created.json()) as { listen: string };
  await agent.close();
  agent = new Agent({ connections: 1 });
  const fdsBefore = openFileDescriptors();

  const clients: Socket[] = [];
  for (let batch = 0; batch < CONNECTIONS / 100; batch++) {
    clients.push(...(await Promise.all(Array.from({ length: 100 }, () => connectTo(cleanup, listen)))));
  }
  expect(await eventually(() => upstream.sockets.size === CONNECTIONS, 10_000)).toBe(true);
  // Four descriptors per connection: test client, proxy client side, proxy upstream side, echo server.
  expect(openFileDescriptors() - fdsBefore).toBeGreaterThan(4 * CONNECTIONS - 10);

  // Every client keeps talking while the toxics change under it.
  const traffic = Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < 3; i++) await roundTripMs(client, `msg ${i}`);
    }),
  );
  const changes = (async () => {
    expect(
      await call('POST', '/proxies/busy/toxics', { type: 'latency', attributes: { latency: 5, jitter: 2 } }),
    ).toBe(200);
    expect(
      await call('POST', '/proxies/busy/toxics', {
        type: 'slicer',
        stream: 'upstream',
        attributes: { average_size: 2 },
      }),
    ).toBe(200);
    expect(
      await call('PATCH', '/proxies/busy/toxics/latency_downstream', { attributes: { latency: 10 } }),
    ).toBe(200);
    expect(
      await call('POST', '/proxies/busy/toxics', { type: 'bandwidth', attributes: { rate: 1000 } }),
    ).toBe(200);
    expect(await call('DELETE', '/proxies/busy/toxics/slicer_upstream')).toBe(204);
    expect(await call('DELETE', '/proxies/busy/toxics/latency_downstream')).toBe(204);
    expect(await call('DELETE', '/proxies/busy/toxics/bandwidth_downstream')).toBe(204);
  })();
  await Promise.all([traffic, changes]);

  // Half the clients leave cleanly; a timeout toxic then closes the rest when it is removed.
  const leaving = clients.slice(0, CONNECTIONS / 2);
  for (const client of leaving) client.end();
  expect(await call('POST', '/proxies/busy/toxics', { type: 'timeout', attributes: { timeout: 0 } })).toBe(
    200,
  );
  const staying = clients.slice(CONNECTIONS / 2);
  const allClosed = Promise.all(staying.map((client) => closed(client, 15_000)));
  expect(await call('DELETE', '/proxies/busy/toxics/timeout_downstream')).toBe(204);
  await allClosed;
  // The proxy must have closed its upstream side by itself, before the test lets go of any client.
  expect(await eventually(() => upstream.sockets.size === 0, 10_000)).toBe(true);
  for (const client of clients) client.destroy();
  await agent.close();

  const settled = await eventually(() => openFileDescriptors() <= fdsBefore, 10_000);
  expect({ settled, fdsBefore, fdsAfter: openFileDescriptors() }).toMatchObject({ settled: true });
});

it('leaves no toxic timer behind once a connection is gone', async () => {
  const clock = new FakeClock();
  const timed = await startToxiproxy(cleanup, { clock });
  const created = await fetch(`${timed.url}/proxies`, {
    method: 'POST',
    dispatcher: agent,
    body: JSON.stringify({ name: 'slow', listen: '127.0.0.1:0', upstream: upstream.address }),
  });
  const { listen } = (await created.json()) as { listen: string };
  for (const toxic of [
    { type: 'timeout', attributes: { timeout: 600_000 } },
    { type: 'latency', stream: 'upstream', attributes: { latency: 60_000 } },
    { type: 'slow_close', stream: 'upstream', attributes: { delay: 60_000 } },
  ]) {
    const response = await fetch(`${timed.url}/proxies/slow/toxics`, {
      method: 'POST',
      dispatcher: agent,
      body: JSON.stringify(toxic),
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }
  const client = await connectTo(cleanup, listen);
  client.write('held by the latency toxic');
  expect(await eventually(() => upstream.sockets.size === 1)).toBe(true);
  expect(await eventually(() => clock.pendingTimers() === 2)).toBe(true); // timeout + latency
  client.resetAndDestroy();
  // Like Toxiproxy, the upstream direction still delivers what its toxics hold, then the delayed close.
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(upstream.sockets.size).toBe(1);
  await clock.advance(60_000);
  await clock.advance(60_000);
  expect(await eventually(() => upstream.sockets.size === 0)).toBe(true);
  // Once both sockets are closed no toxic timer is left, though the downstream timeout had 8 minutes to go.
  expect(await eventually(() => clock.pendingTimers() === 0)).toBe(true);
});
