/**
 * The proxy routes: create, show, list, update, delete, enable/disable.
 * Part of the HTTP conformance suite against shared/reference/toxiproxy-api.md: raw fetch, one test per
 * behaviour, each asserting the exact status code and body.
 */
import { describe, expect, it } from 'vitest';
import { useApiFixture } from './api-fixture.js';
import { connectTo, freePort } from './helpers.js';

const t = useApiFixture();
const call: typeof t.call = (...args) => t.call(...args);
const createProxy: typeof t.createProxy = (...args) => t.createProxy(...args);

describe('proxies', () => {
  it('GET /proxies answers {} when there are none', async () => {
    const response = await call('GET', '/proxies');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.text).toBe('{}');
  });

  it('POST /proxies answers 201 with the proxy, the real bound port, enabled by default, toxics ignored', async () => {
    const response = await call('POST', '/proxies', {
      name: 'redis',
      listen: '127.0.0.1:0',
      upstream: t.upstream.address,
      toxics: [{ type: 'latency' }],
    });
    expect(response.status).toBe(201);
    const proxy = response.json as { listen: string };
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(proxy.listen).not.toBe('127.0.0.1:0');
    expect(response.text).toBe(
      JSON.stringify({
        name: 'redis',
        listen: proxy.listen,
        upstream: t.upstream.address,
        enabled: true,
        toxics: [],
      }),
    );
    await connectTo(t.cleanup, proxy.listen); // really bound
  });

  it('reports localhost:PORT as 127.0.0.1:PORT', async () => {
    const port = await freePort();
    const response = await call('POST', '/proxies', {
      name: 'p',
      listen: `localhost:${port}`,
      upstream: t.upstream.address,
    });
    expect(response.status).toBe(201);
    expect((response.json as { listen: string }).listen).toBe(`127.0.0.1:${port}`);
  });

  it('with enabled:false binds nothing and echoes listen as sent', async () => {
    const response = await call('POST', '/proxies', {
      name: 'off',
      listen: 'localhost:0',
      upstream: t.upstream.address,
      enabled: false,
    });
    expect(response.status).toBe(201);
    expect(response.json).toEqual({
      name: 'off',
      listen: 'localhost:0',
      upstream: t.upstream.address,
      enabled: false,
      toxics: [],
    });
  });

  it.each([
    [{ upstream: 'x:1' }, 'missing required field: name'],
    [{ name: 'p' }, 'missing required field: upstream'],
    [{ name: '', upstream: 'x:1' }, 'missing required field: name'],
  ])('POST /proxies %j → 400 %s', async (body, message) => {
    const response = await call('POST', '/proxies', body);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: message, status: 400 });
  });

  it.each([
    ['not json', '{"name": '],
    ['an empty body', ''],
    ['an array', '[1]'],
    ['a number for name', '{"name": 5, "upstream": "x:1"}'],
    ['a string for enabled', '{"name": "p", "upstream": "x:1", "enabled": "yes"}'],
  ])('POST /proxies with %s → 400 bad request body', async (_label, body) => {
    const response = await call('POST', '/proxies', body);
    expect(response.status).toBe(400);
    const json = response.json as { error: string; status: number };
    expect(json.status).toBe(400);
    expect(json.error).toMatch(/^bad request body: /);
  });

  it('POST /proxies with a taken name → 409, checked before the bind', async () => {
    await createProxy('dup');
    // Port 1 would fail to bind; the name check must come first.
    const response = await call('POST', '/proxies', {
      name: 'dup',
      listen: '127.0.0.1:1',
      upstream: t.upstream.address,
    });
    expect(response.status).toBe(409);
    expect(response.json).toEqual({ error: 'proxy already exists', status: 409 });
  });

  it('POST /proxies whose bind fails → 500 with the OS error text, and stores nothing', async () => {
    const taken = await createProxy('first');
    const response = await call('POST', '/proxies', {
      name: 'second',
      listen: taken.listen,
      upstream: t.upstream.address,
    });
    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      error: `listen tcp ${taken.listen}: bind: address already in use`,
      status: 500,
    });
    expect((await call('GET', '/proxies/second')).status).toBe(404);
  });

  it('GET /proxies/{p} → 200, and 404 proxy not found', async () => {
    const proxy = await createProxy('web');
    const found = await call('GET', '/proxies/web');
    expect(found.status).toBe(200);
    expect(found.json).toEqual({ ...proxy, toxics: [] });
    const missing = await call('GET', '/proxies/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'proxy not found', status: 404 });
  });

  it('GET /proxies lists every proxy keyed by name', async () => {
    const b = await createProxy('b');
    const a = await createProxy('a');
    const response = await call('GET', '/proxies');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ a: { ...a, toxics: [] }, b: { ...b, toxics: [] } });
  });

  it.each(['POST', 'PATCH'])(
    '%s /proxies/{p} merges the body over listen/upstream/enabled and ignores name',
    async (method) => {
      const proxy = await createProxy('m');
      const response = await call(method, '/proxies/m', { name: 'renamed', enabled: false });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ ...proxy, enabled: false, toxics: [] });
      expect((await call('GET', '/proxies/renamed')).status).toBe(404);
    },
  );

  it('updating an unknown proxy → 404 (before the body is read); a bad body → 400', async () => {
    const missing = await call('PATCH', '/proxies/nope', 'garbage');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'proxy not found', status: 404 });
    await createProxy('u');
    const bad = await call('PATCH', '/proxies/u', '{"enabled": 1}');
    expect(bad.status).toBe(400);
    expect((bad.json as { error: string }).error).toMatch(/^bad request body: /);
  });

  it('an update whose new listen address cannot be bound → 500', async () => {
    const first = await createProxy('one');
    await createProxy('two');
    const response = await call('PATCH', '/proxies/two', { listen: first.listen });
    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      error: `listen tcp ${first.listen}: bind: address already in use`,
      status: 500,
    });
  });

  it('DELETE /proxies/{p} → 204 with an empty body and closes the listener; 404 when unknown', async () => {
    const proxy = await createProxy('gone');
    const response = await call('DELETE', '/proxies/gone');
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    await expect(connectTo(t.cleanup, proxy.listen)).rejects.toThrow(/ECONNREFUSED/);
    const again = await call('DELETE', '/proxies/gone');
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ error: 'proxy not found', status: 404 });
  });

  it('disable closes the listener, re-enable reuses the resolved port, toxics survive', async () => {
    const proxy = await createProxy('toggle');
    await call('POST', '/proxies/toggle/toxics', { type: 'latency', attributes: { latency: 5 } });
    expect((await call('POST', '/proxies/toggle', { enabled: false })).status).toBe(200);
    await expect(connectTo(t.cleanup, proxy.listen)).rejects.toThrow(/ECONNREFUSED/);
    const enabled = await call('POST', '/proxies/toggle', { enabled: true });
    expect(enabled.status).toBe(200);
    expect((enabled.json as { listen: string }).listen).toBe(proxy.listen);
    expect((enabled.json as { toxics: unknown[] }).toxics).toHaveLength(1);
    await connectTo(t.cleanup, proxy.listen);
  });
});
