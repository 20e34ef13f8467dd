/**
 * Every method of toxiproxy-node-client 4.1 against the embedded server, the client every part of
 * rollback-drill uses (and the one a team's own tooling is likely to use).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Proxy, Toxic, Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/server.js';
import {
  Cleanup,
  connectTo,
  roundTripMs,
  startEchoServer,
  startToxiproxy,
  type TcpServer,
} from './helpers.js';

let cleanup: Cleanup;
let server: ToxiproxyServer;
let upstream: TcpServer;
let toxiproxy: Toxiproxy;

beforeEach(async () => {
  cleanup = new Cleanup();
  server = await startToxiproxy(cleanup);
  upstream = await startEchoServer(cleanup);
  toxiproxy = new Toxiproxy(server.url);
});
afterEach(() => cleanup.run());

const proxyBody = (name: string) => ({
  name,
  listen: '127.0.0.1:0',
  upstream: upstream.address,
  enabled: true,
});

/** The client drops error bodies: callers can only tell errors apart by this message. */
async function expectStatus(promise: Promise<unknown>, status: number): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToxiproxyError);
  expect((error as Error).message).toBe(`Request failed with status code ${status}`);
}

describe('Toxiproxy', () => {
  it('getVersion returns the raw version text', async () => {
    expect(await toxiproxy.getVersion()).toBe('{"version": "2.12.0"}\n');
  });

  it('createProxy returns a Proxy with the bound address', async () => {
    const proxy = await toxiproxy.createProxy(proxyBody('api'));
    expect(proxy).toBeInstanceOf(Proxy);
    expect(proxy.name).toBe('api');
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(proxy.upstream).toBe(upstream.address);
    expect(proxy.enabled).toBe(true);
    expect(proxy.toJson()).toEqual({
      name: 'api',
      listen: proxy.listen,
      upstream: upstream.address,
      enabled: true,
    });
    expect(proxy.getToxiproxy()).toBe(toxiproxy);
    expect(proxy.getHost()).toBe(server.url);
    expect(proxy.getPath()).toBe(`${server.url}/proxies/api`);
    expect(toxiproxy.getApi()).toBe(toxiproxy.api);
  });

  it('createProxy rejects a taken name (409) and a missing field (400)', async () => {
    await toxiproxy.createProxy(proxyBody('twice'));
    await expectStatus(toxiproxy.createProxy(proxyBody('twice')), 409);
    await expectStatus(toxiproxy.createProxy({ ...proxyBody('x'), upstream: '' }), 400);
  });

  it('get returns one proxy; an unknown name rejects with 404', async () => {
    const created = await toxiproxy.createProxy(proxyBody('one'));
    const fetched = await toxiproxy.get('one');
    expect(fetched.toJson()).toEqual(created.toJson());
    await expectStatus(toxiproxy.get('none'), 404);
  });

  it('getAll returns every proxy by name', async () => {
    await toxiproxy.createProxy(proxyBody('a'));
    await toxiproxy.createProxy(proxyBody('b'));
    const all = await toxiproxy.getAll();
    expect(Object.keys(all).sort()).toEqual(['a', 'b']);
    expect(all['a']).toBeInstanceOf(Proxy);
  });

  it('populate creates proxies and returns them by name', async () => {
    const proxies = await toxiproxy.populate([proxyBody('p1'), { ...proxyBody('p2'), enabled: false }]);
    expect(Object.keys(proxies)).toEqual(['p1', 'p2']);
    expect(proxies['p1']?.enabled).toBe(true);
    expect(proxies['p2']?.enabled).toBe(false);
  });

  it('populate([]) throws on the server\'s {"proxies":null}, as against real Toxiproxy', async () => {
    await expect(toxiproxy.populate([])).rejects.toThrow(TypeError);
  });

  it('reset re-enables proxies and removes their toxics', async () => {
    const proxy = await toxiproxy.createProxy(proxyBody('r'));
    await proxy.addToxic({
      name: 'lat',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 1 },
    });
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await toxiproxy.reset();
    const after = await toxiproxy.get('r');
    expect(after.enabled).toBe(true);
    await expectStatus(after.getToxic('lat'), 404);
  });
});

describe('Proxy', () => {
  it('update sends POST and returns the updated proxy', async () => {
    const proxy = await toxiproxy.createProxy(proxyBody('u'));
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled).toBeInstanceOf(Proxy);
    expect(disabled.enabled).toBe(false);
    await expect(connectTo(cleanup, proxy.listen)).rejects.toThrow(/ECONNREFUSED/);
    const enabled = await disabled.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    expect(enabled.enabled).toBe(true);
    expect(enabled.listen).toBe(proxy.listen);
  });

  it('remove deletes the proxy; removing again rejects with 404', async () => {
    const proxy = await toxiproxy.createProxy(proxyBody('rm'));
    await proxy.remove();
    await expectStatus(toxiproxy.get('rm'), 404);
    await expectStatus(proxy.remove(), 404);
  });

  it('addToxic returns a Toxic that acts on the traffic', async () => {
    const proxy = await toxiproxy.createProxy(proxyBody('t'));
    const toxic = await proxy.addToxic({
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 60, jitter: 0 },
    });
    expect(toxic).toBeInstanceOf(Toxic);
    expect(toxic.toJson()).toEqual({
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 60, jitter: 0 },
    });
    expect(toxic.getPath()).toBe(`${server.url}/proxies/t/toxics/slow`);
    const socket = await connectTo(cleanup, proxy.listen);
    expect(await roundTripMs(socket)).toBeGreaterThanOrEqual(59);
  });

  it('addToxic rejects an unknown type (400), a duplicate (409) and the client-only type "down" (400)', async () => {
    const proxy = await toxiproxy.createProxy(proxyBody('bad'));
    const body = {
      name: 'x',
      type: 'latency' as const,
      stream: 'upstream' as const,
      toxicity: 1,
      attributes: {},
    };
    await proxy.addToxic(body);
    await expectStatus(proxy.addToxic(body), 409);
    await expectStatus(proxy.addToxic({ ...body, name: 'y', type: 'down' }), 400);
  });

  it('getToxic returns a Toxic; an unknown toxic rejects with 404', async () => {
    const proxy = await toxiproxy.createProxy(proxyBody('g'));
    await proxy.addToxic({
      name: 'bw',
      type: 'bandwidth',
      stream: 'upstream',
      toxicity: 0.5,
      attributes: { rate: 100 },
    });
    const toxic = await proxy.getToxic<{ rate: number }>('bw');
    expect(toxic.toJson()).toEqual({
      name: 'bw',
      type: 'bandwidth',
      stream: 'upstream',
      toxicity: 0.5,
      attributes: { rate: 100 },
    });
    await expectStatus(proxy.getToxic('none'), 404);
  });
});

describe('Toxic', () => {
  it('update sends POST, merges attributes and returns the updated toxic', async () => {
    const proxy = await toxiproxy.createProxy(proxyBody('tu'));
    const toxic = await proxy.addToxic({
      name: 'lat',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 10, jitter: 5 },
    });
    const updated = await toxic.update({
      ...toxic.toJson(),
      attributes: { latency: 20, jitter: 5 },
      toxicity: 0.5,
    });
    expect(updated).toBeInstanceOf(Toxic);
    expect(updated.attributes).toEqual({ latency: 20, jitter: 5 });
    expect(updated.toxicity).toBe(0.5);
  });

  it('remove deletes the toxic; removing again rejects with 404', async () => {
    const proxy = await toxiproxy.createProxy(proxyBody('tr'));
    const toxic = await proxy.addToxic({
      name: 'n',
      type: 'noop' as 'latency',
      stream: 'upstream',
      toxicity: 1,
      attributes: {},
    });
    await toxic.remove();
    await expectStatus(proxy.getToxic('n'), 404);
    await expectStatus(toxic.remove(), 404);
  });
});
