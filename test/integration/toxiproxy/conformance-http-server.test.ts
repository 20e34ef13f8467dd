/**
 * Populate, reset, version, and the HTTP surface: 404/405/403, request ids, body limits.
 * Part of the HTTP conformance suite against shared/reference/toxiproxy-api.md: raw fetch, one test per
 * behaviour, each asserting the exact status code and body.
 */
import { describe, expect, it } from 'vitest';
import { useApiFixture } from './api-fixture.js';
import { connectTo, eventually, freePort, startTcpServer } from './helpers.js';

const t = useApiFixture();
const call: typeof t.call = (...args) => t.call(...args);
const createProxy: typeof t.createProxy = (...args) => t.createProxy(...args);

describe('populate', () => {
  it('creates proxies and answers 201 {"proxies": [...]} in input order', async () => {
    const response = await call('POST', '/populate', [
      { name: 'z', listen: '127.0.0.1:0', upstream: t.upstream.address },
      { name: 'a', listen: '127.0.0.1:0', upstream: t.upstream.address, enabled: false },
    ]);
    expect(response.status).toBe(201);
    const { proxies } = response.json as { proxies: { name: string; enabled: boolean; toxics: unknown[] }[] };
    expect(proxies.map((p) => [p.name, p.enabled])).toEqual([
      ['z', true],
      ['a', false],
    ]);
    expect(proxies[0]?.toxics).toEqual([]);
  });

  it('an empty array answers {"proxies":null}', async () => {
    const response = await call('POST', '/populate', []);
    expect(response.status).toBe(201);
    expect(response.text).toBe('{"proxies":null}');
  });

  it('validates every entry first: 400 naming the 1-based entry, nothing created', async () => {
    const response = await call('POST', '/populate', [
      { name: 'ok', listen: '127.0.0.1:0', upstream: t.upstream.address },
      { listen: '127.0.0.1:0', upstream: t.upstream.address },
    ]);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: 'missing required field: name at proxy 2',
      status: 400,
      proxies: null,
    });
    expect((await call('GET', '/proxies')).json).toEqual({});
    const noUpstream = await call('POST', '/populate', [{ name: 'x' }]);
    expect(noUpstream.json).toEqual({
      error: 'missing required field: upstream at proxy 1',
      status: 400,
      proxies: null,
    });
  });

  it('a body that is not an array → 400 bad request body', async () => {
    const response = await call('POST', '/populate', { name: 'x', upstream: 'y:1' });
    expect(response.status).toBe(400);
    expect((response.json as { error: string }).error).toMatch(/^bad request body: /);
  });

  it('leaves an identical proxy untouched (toxics, enabled state), replaces a changed one, deletes none', async () => {
    const port = await freePort();
    const same = { name: 'same', listen: `127.0.0.1:${port}`, upstream: t.upstream.address };
    await call('POST', '/proxies', same);
    await call('POST', '/proxies/same/toxics', { type: 'noop' });
    await call('POST', '/proxies/same', { enabled: false });
    await createProxy('changed');
    await call('POST', '/proxies/changed/toxics', { type: 'noop' });
    await createProxy('absent');

    const response = await call('POST', '/populate', [
      same,
      { name: 'changed', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' },
    ]);
    expect(response.status).toBe(201);
    const all = (await call('GET', '/proxies')).json as Record<
      string,
      { enabled: boolean; upstream: string; toxics: unknown[] }
    >;
    expect(all['same']).toMatchObject({ enabled: false, toxics: [{ name: 'noop_downstream' }] });
    expect(all['changed']).toMatchObject({ enabled: true, upstream: '127.0.0.1:1', toxics: [] });
    expect(all['absent']).toBeDefined();
  });

  it('is not atomic: a bind failure part-way answers the error with the proxies created so far', async () => {
    const taken = await createProxy('holder');
    const response = await call('POST', '/populate', [
      { name: 'first', listen: '127.0.0.1:0', upstream: t.upstream.address },
      { name: 'clash', listen: taken.listen, upstream: t.upstream.address },
      { name: 'never', listen: '127.0.0.1:0', upstream: t.upstream.address },
    ]);
    expect(response.status).toBe(500);
    const json = response.json as { error: string; status: number; proxies: { name: string }[] };
    expect(json.error).toBe(`listen tcp ${taken.listen}: bind: address already in use`);
    expect(json.status).toBe(500);
    expect(json.proxies.map((p) => p.name)).toEqual(['first']);
    expect((await call('GET', '/proxies/never')).status).toBe(404);
  });
});

describe('reset, version and the rest of the HTTP surface', () => {
  it('POST /reset → 500 when a proxy cannot be enabled again (its port was taken meanwhile)', async () => {
    const proxy = await createProxy('r0');
    await call('POST', '/proxies/r0', { enabled: false });
    const [host, port] = [
      proxy.listen.slice(0, proxy.listen.lastIndexOf(':')),
      Number(proxy.listen.split(':')[1]),
    ];
    const squatter = await startTcpServer(t.cleanup, () => undefined, { host, port });
    const response = await call('POST', '/reset');
    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      error: `listen tcp ${squatter.address}: bind: address already in use`,
      status: 500,
    });
  });

  it('POST /reset → 204: every proxy enabled again and without toxics, none deleted', async () => {
    const proxy = await createProxy('r1');
    await call('POST', '/proxies/r1/toxics', { type: 'latency' });
    await call('POST', '/proxies/r1', { enabled: false });
    await createProxy('r2');
    const response = await call('POST', '/reset');
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    const all = (await call('GET', '/proxies')).json as Record<
      string,
      { enabled: boolean; toxics: unknown[] }
    >;
    expect(Object.keys(all).sort()).toEqual(['r1', 'r2']);
    expect(all['r1']).toMatchObject({ enabled: true, toxics: [] });
    await connectTo(t.cleanup, proxy.listen);
  });

  it('GET /version answers {"version": "2.12.0"} and a newline as JSON', async () => {
    const response = await call('GET', '/version');
    expect(response.status).toBe(200);
    expect(response.text).toBe('{"version": "2.12.0"}\n');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('an unknown route → 404, a known route with a wrong method → 405', async () => {
    const unknown = await call('GET', '/nothing/here');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: '404 page not found', status: 404 });
    expect((await call('GET', '/proxies/')).status).toBe(404);
    const wrong = await call('DELETE', '/proxies');
    expect(wrong.status).toBe(405);
    expect(wrong.json).toEqual({ error: '405 method not allowed', status: 405 });
    expect((await call('PUT', '/version')).status).toBe(405);
  });

  it('refuses browsers (User-Agent Mozilla/...) with 403', async () => {
    const response = await call('GET', '/proxies', undefined, {
      'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)',
    });
    expect(response.status).toBe(403);
    expect(response.json).toEqual({ error: 'User agent not allowed', status: 403 });
    expect((await call('GET', '/proxies', undefined, { 'User-Agent': 'curl/8.0' })).status).toBe(200);
  });

  it('every response carries X-Toxiproxy-Request-Id, unique per request', async () => {
    const responses = [
      await call('GET', '/proxies'),
      await call('GET', '/version'),
      await call('GET', '/nope'),
      await call('POST', '/proxies', '{'),
      await call('POST', '/reset'),
    ];
    const ids = responses.map((r) => r.headers.get('x-toxiproxy-request-id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-v]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a body over 1 MiB → 413 JSON, and the server keeps answering', async () => {
    const big = JSON.stringify({ name: 'big', upstream: 'x:1', pad: 'x'.repeat(1024 * 1024) });
    const response = await call('POST', '/proxies', big);
    expect(response.status).toBe(413);
    expect(response.json).toMatchObject({ status: 413 });
    expect((response.json as { error: string }).error).toMatch(/^bad request body: /);
    expect((await call('GET', '/proxies')).json).toEqual({});
  });

  it('URL-encoded proxy names are decoded', async () => {
    await createProxy('with space');
    expect((await call('GET', '/proxies/with%20space')).status).toBe(200);
    expect((await call('GET', '/proxies/%E0%A4%A')).status).toBe(400);
  });

  it('does not check the upstream at create time; a failed dial closes the client at once', async () => {
    const dead = await freePort();
    const response = await call('POST', '/proxies', {
      name: 'dead',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${dead}`,
    });
    expect(response.status).toBe(201);
    const client = await connectTo(t.cleanup, (response.json as { listen: string }).listen);
    expect(await eventually(() => client.destroyed || client.readableEnded, 2_000)).toBe(true);
  });
});
