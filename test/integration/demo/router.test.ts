import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BlueGreenRouter, type RouterSlot } from '../../../harness/demo/router.js';
import { ServedSet } from '../../unit/demo/serve.js';

const served = new ServedSet();
const routers: BlueGreenRouter[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
  await served.closeAll();
});

async function startRouter(): Promise<BlueGreenRouter> {
  const router = await BlueGreenRouter.start();
  routers.push(router);
  return router;
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A backend that echoes what it received and says who it is. */
async function echoBackend(version: string): Promise<{ slot: RouterSlot; seen: Seen[] }> {
  const seen: Seen[] = [];
  const { url } = await served.add((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(201, {
        'content-type': 'application/json',
        'x-backend': version,
        connection: 'keep-alive',
      });
      res.end(JSON.stringify({ version, body }));
    });
  });
  return { slot: { name: version, version, port: Number(url.port) }, seen };
}

describe('BlueGreenRouter', () => {
  it('forwards method, path, query, headers and body, and tags the response with x-routed-to', async () => {
    const router = await startRouter();
    const blue = await echoBackend('1.4.2');
    router.switchTo(blue.slot);

    const response = await fetch(new URL('/api/cart?x=1', router.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'abc' },
      body: JSON.stringify({ productId: 'p-100', quantity: 1 }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-routed-to')).toBe('1.4.2');
    expect(response.headers.get('x-backend')).toBe('1.4.2');
    expect(await response.json()).toEqual({ version: '1.4.2', body: '{"productId":"p-100","quantity":1}' });

    const request = blue.seen[0];
    expect(request).toMatchObject({ method: 'POST', url: '/api/cart?x=1' });
    expect(request?.headers['x-request-id']).toBe('abc');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('streams a large body both ways', async () => {
    const router = await startRouter();
    const blue = await echoBackend('1.4.2');
    router.switchTo(blue.slot);
    const big = 'x'.repeat(1_000_000);
    const response = await fetch(new URL('/upload', router.url), { method: 'PUT', body: big });
    const body = (await response.json()) as { body: string };
    expect(body.body.length).toBe(1_000_000);
  });

  it('switches atomically: every request after switchTo goes to the new slot', async () => {
    const router = await startRouter();
    const blue = await echoBackend('1.4.2');
    const green = await echoBackend('1.5.0');
    router.switchTo(blue.slot);
    const before = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(new URL('/', router.url)).then((r) => r.headers.get('x-routed-to')),
      ),
    );
    router.switchTo(green.slot);
    const after = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(new URL('/', router.url)).then((r) => r.headers.get('x-routed-to')),
      ),
    );
    expect(new Set(before)).toEqual(new Set(['1.4.2']));
    expect(new Set(after)).toEqual(new Set(['1.5.0']));
    expect(router.activeSlot).toBe(green.slot);
  });

  it('answers 503 with no active slot, 502 for a slot that is not running or unreachable', async () => {
    const router = await startRouter();
    const none = await fetch(new URL('/', router.url));
    expect(none.status).toBe(503);
    expect(await none.json()).toEqual({ error: 'no release is active behind the router' });

    router.switchTo({ name: 'green', version: '1.5.0-crash', port: undefined });
    const notRunning = await fetch(new URL('/healthz', router.url));
    expect(notRunning.status).toBe(502);
    expect(notRunning.headers.get('x-routed-to')).toBe('1.5.0-crash');
    expect(await notRunning.json()).toEqual({ error: 'backend 1.5.0-crash (green) is not running' });

    const gone = await served.add(() => undefined);
    await gone.close();
    router.switchTo({ name: 'green', version: '1.5.0', port: Number(gone.url.port) });
    const refused = await fetch(new URL('/', router.url), { method: 'POST', body: 'payload' });
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { error: string }).error).toMatch(/unreachable: .*ECONNREFUSED/);
  });

  it('answers 502 once a backend it was using dies, without hanging on pooled sockets', async () => {
    const router = await startRouter();
    const blue = await echoBackend('1.4.2');
    router.switchTo(blue.slot);
    expect((await fetch(new URL('/', router.url))).status).toBe(201);
    await served.closeAll();
    const response = await fetch(new URL('/', router.url));
    expect(response.status).toBe(502);
    await response.text();
  });

  it('breaks the client response when the backend dies mid-body', async () => {
    const router = await startRouter();
    const dying = await served.add((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    });
    router.switchTo({ name: 'blue', version: '1.4.2', port: Number(dying.url.port) });
    const response = await fetch(new URL('/', router.url));
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('reuses backend connections under concurrent load (keep-alive), answering every request', async () => {
    const router = await startRouter();
    const blue = await echoBackend('1.4.2');
    let backendConnections = 0;
    const backend = served.last();
    backend.server.on('connection', () => backendConnections++);
    router.switchTo(blue.slot);
    const url = new URL('/api/products', router.url);
    const statuses: number[] = [];
    // 16 closed loops of 25 requests: without pooling this would open 400 backend connections.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < 25; i++) {
          const response = await fetch(url);
          await response.arrayBuffer();
          statuses.push(response.status);
        }
      }),
    );
    expect(statuses).toHaveLength(400);
    expect(new Set(statuses)).toEqual(new Set([201]));
    expect(backendConnections).toBeGreaterThan(0);
    expect(backendConnections).toBeLessThanOrEqual(16);
  });

  it('close() is idempotent and stops listening', async () => {
    const router = await startRouter();
    await router.close();
    await router.close();
    await expect(fetch(new URL('/', router.url))).rejects.toThrow();
  });
});
