/** Each toxic through real loopback sockets: what a client of the proxied dependency experiences. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/server.js';
import {
  Cleanup,
  api,
  closed,
  connectTo,
  median,
  nextData,
  readAll,
  roundTripMs,
  startEchoServer,
  startTcpServer,
  startToxiproxy,
  type TcpServer,
} from './helpers.js';

let cleanup: Cleanup;
let server: ToxiproxyServer;

beforeEach(async () => {
  cleanup = new Cleanup();
  server = await startToxiproxy(cleanup);
});
afterEach(() => cleanup.run());

async function proxyTo(upstream: TcpServer, name = 'dep'): Promise<string> {
  const response = await api(server.url, 'POST', '/proxies', {
    name,
    listen: '127.0.0.1:0',
    upstream: upstream.address,
  });
  expect(response.status).toBe(201);
  return (response.json as { listen: string }).listen;
}

async function addToxic(body: Record<string, unknown>, proxy = 'dep'): Promise<void> {
  const response = await api(server.url, 'POST', `/proxies/${proxy}/toxics`, body);
  expect(response.status, response.text).toBe(200);
}

async function medianRoundTrip(address: string, samples = 9): Promise<number> {
  const socket = await connectTo(cleanup, address);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await roundTripMs(socket));
  socket.destroy();
  return median(times);
}

describe('latency', () => {
  it('adds its setting to every round trip, within a few ms', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    const baseline = await medianRoundTrip(listen);
    await addToxic({ type: 'latency', attributes: { latency: 100 } });
    const added = (await medianRoundTrip(listen)) - baseline;
    expect(added).toBeGreaterThanOrEqual(98);
    expect(added).toBeLessThanOrEqual(108);
  });

  it('upstream and downstream latency add up on a round trip', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    await addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 40 } });
    await addToxic({ type: 'latency', stream: 'downstream', attributes: { latency: 60 } });
    const roundTrip = await medianRoundTrip(listen);
    expect(roundTrip).toBeGreaterThanOrEqual(98);
    expect(roundTrip).toBeLessThanOrEqual(115);
  });

  it('keeps jitter inside latency ± jitter', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    await addToxic({ type: 'latency', attributes: { latency: 100, jitter: 50 } });
    const socket = await connectTo(cleanup, listen);
    const times: number[] = [];
    for (let i = 0; i < 15; i++) times.push(await roundTripMs(socket));
    // Never earlier than latency - jitter; the upper bound leaves 25 ms for a loaded machine's timers.
    expect(Math.min(...times)).toBeGreaterThanOrEqual(48);
    expect(Math.max(...times)).toBeLessThan(175);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(15);
  });
});

describe('bandwidth', () => {
  it('throttles to its rate within 10%', async () => {
    let firstByteAt = 0;
    let lastByteAt = 0;
    let received = 0;
    const total = 300_000;
    const done = new Promise<void>((resolve) => {
      void startTcpServer(cleanup, (socket) => {
        socket.on('data', (chunk: Buffer) => {
          firstByteAt ||= performance.now();
          received += chunk.length;
          lastByteAt = performance.now();
          if (received >= total) resolve();
        });
      }).then(async (sink) => {
        const listen = await proxyTo(sink);
        await addToxic({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 300 } }); // 300 KB/s
        const client = await connectTo(cleanup, listen);
        startedAt = performance.now();
        client.write(Buffer.alloc(total, 7));
      });
    });
    let startedAt = 0;
    await done;
    const bytesPerSecond = received / ((lastByteAt - startedAt) / 1000);
    expect(received).toBe(total);
    expect(bytesPerSecond).toBeGreaterThan(300_000 * 0.9);
    expect(bytesPerSecond).toBeLessThan(300_000 * 1.1);
    expect(firstByteAt).toBeGreaterThan(startedAt);
  });
});

describe('reset_peer', () => {
  it('downstream: the client sees ECONNRESET on the first response', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    await addToxic({ type: 'reset_peer', attributes: { timeout: 0 } });
    const client = await connectTo(cleanup, listen);
    const outcome = closed(client);
    client.write('hello');
    expect((await outcome).errorCode).toBe('ECONNRESET');
  });

  it('upstream with a timeout: reset after the timeout on the first request bytes', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    await addToxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 150 } });
    const client = await connectTo(cleanup, listen);
    const outcome = closed(client);
    const sentAt = performance.now();
    client.write('hello');
    const result = await outcome;
    expect(result.errorCode).toBe('ECONNRESET');
    expect(result.at - sentAt).toBeGreaterThanOrEqual(140);
  });
});

describe('timeout', () => {
  it('timeout 0 drops data and never closes until the toxic is removed; removal closes the connection', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    await addToxic({ type: 'timeout', attributes: { timeout: 0 } });
    const client = await connectTo(cleanup, listen);
    let received = 0;
    client.on('data', (chunk: Buffer) => (received += chunk.length));
    const outcome = closed(client);
    client.write('anyone there?');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(client.destroyed || client.readableEnded).toBe(false);
    expect(received).toBe(0);
    const removedAt = performance.now();
    expect((await api(server.url, 'DELETE', '/proxies/dep/toxics/timeout_downstream')).status).toBe(204);
    expect((await outcome).at - removedAt).toBeLessThan(1_000);
    expect(received).toBe(0);
  });

  it('closes the connection after its timeout', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    await addToxic({ type: 'timeout', attributes: { timeout: 200 } });
    const startedAt = performance.now();
    const client = await connectTo(cleanup, listen);
    const result = await closed(client);
    expect(result.at - startedAt).toBeGreaterThanOrEqual(190);
    expect(result.at - startedAt).toBeLessThan(1_000);
  });
});

describe('limit_data, slicer, slow_close, noop', () => {
  /** An upstream that answers any request with `reply`, then optionally closes. */
  const replying = (reply: Buffer, end = false) =>
    startTcpServer(cleanup, (socket) => {
      socket.once('data', () => (end ? socket.end(reply) : socket.write(reply)));
    });

  it('limit_data cuts the stream at exactly its byte count, then closes', async () => {
    const reply = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const listen = await proxyTo(await replying(reply));
    await addToxic({ type: 'limit_data', attributes: { bytes: 1000 } });
    const client = await connectTo(cleanup, listen);
    const all = readAll(client);
    client.write('go');
    const { data } = await all;
    expect(data.length).toBe(1000);
    expect(data.equals(reply.subarray(0, 1000))).toBe(true);
  });

  it('slicer delivers a write as several smaller reads, bytes intact', async () => {
    const reply = Buffer.from('0123456789'.repeat(100));
    const listen = await proxyTo(await replying(reply, true));
    await addToxic({ type: 'slicer', attributes: { average_size: 100, size_variation: 20, delay: 3000 } });
    const client = await connectTo(cleanup, listen);
    const all = readAll(client);
    client.write('go');
    const { data, chunks } = await all;
    expect(data.equals(reply)).toBe(true);
    expect(chunks).toBeGreaterThanOrEqual(5);
  });

  it('slow_close passes the data at once and the close after its delay', async () => {
    const listen = await proxyTo(await replying(Buffer.from('bye'), true));
    await addToxic({ type: 'slow_close', attributes: { delay: 300 } });
    const client = await connectTo(cleanup, listen);
    const firstData = nextData(client);
    const ended = new Promise<number>((resolve) => client.once('end', () => resolve(performance.now())));
    client.write('go');
    expect((await firstData).toString()).toBe('bye');
    const dataAt = performance.now();
    expect((await ended) - dataAt).toBeGreaterThanOrEqual(280);
  });

  it('noop changes nothing', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    await addToxic({ type: 'noop' });
    const client = await connectTo(cleanup, listen);
    const reply = nextData(client);
    client.write('same bytes');
    expect((await reply).toString()).toBe('same bytes');
  });
});

describe('live connections', () => {
  it('a toxic added or removed applies to connections already open', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    const client = await connectTo(cleanup, listen);
    expect(await roundTripMs(client)).toBeLessThan(50);
    await addToxic({ type: 'latency', attributes: { latency: 150 } });
    expect(await roundTripMs(client)).toBeGreaterThanOrEqual(148);
    await api(server.url, 'DELETE', '/proxies/dep/toxics/latency_downstream');
    expect(await roundTripMs(client)).toBeLessThan(50);
  });

  it('an updated toxic applies to connections already open', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    await addToxic({ type: 'latency', attributes: { latency: 20 } });
    const client = await connectTo(cleanup, listen);
    expect(await roundTripMs(client)).toBeLessThan(100);
    await api(server.url, 'PATCH', '/proxies/dep/toxics/latency_downstream', {
      attributes: { latency: 200 },
    });
    expect(await roundTripMs(client)).toBeGreaterThanOrEqual(198);
  });

  it('disabling the proxy closes live connections', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    const client = await connectTo(cleanup, listen);
    await roundTripMs(client);
    const outcome = closed(client, 2_000);
    expect((await api(server.url, 'PATCH', '/proxies/dep', { enabled: false })).status).toBe(200);
    await outcome;
  });

  it('a changed upstream restarts the proxy: live connections drop', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    const other = await startEchoServer(cleanup);
    const client = await connectTo(cleanup, listen);
    await roundTripMs(client);
    const outcome = closed(client, 2_000);
    expect((await api(server.url, 'PATCH', '/proxies/dep', { upstream: other.address })).status).toBe(200);
    await outcome;
    const again = await connectTo(cleanup, listen);
    expect(await roundTripMs(again)).toBeLessThan(100);
    expect(other.sockets.size).toBe(1);
  });

  it('toxicity is drawn per connection: about half the connections get a 0.5 toxic', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    await addToxic({ type: 'latency', toxicity: 0.5, attributes: { latency: 150 } });
    const times = await Promise.all(
      Array.from({ length: 24 }, async () => roundTripMs(await connectTo(cleanup, listen))),
    );
    const slow = times.filter((t) => t >= 148).length;
    const fast = times.filter((t) => t < 100).length;
    expect(slow + fast).toBe(24);
    expect(slow).toBeGreaterThanOrEqual(4);
    expect(fast).toBeGreaterThanOrEqual(4);
  });

  it('toxicity 0 never applies', async () => {
    const listen = await proxyTo(await startEchoServer(cleanup));
    await addToxic({ type: 'reset_peer', toxicity: 0 });
    for (let i = 0; i < 5; i++) {
      const client = await connectTo(cleanup, listen);
      expect(await roundTripMs(client)).toBeLessThan(100);
    }
  });
});
