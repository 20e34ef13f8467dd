/**
 * The toxic routes: create with defaults, show, list order, update merges, delete, errors.
 * Part of the HTTP conformance suite against shared/reference/toxiproxy-api.md: raw fetch, one test per
 * behaviour, each asserting the exact status code and body.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useApiFixture } from './api-fixture.js';

const t = useApiFixture();
const call: typeof t.call = (...args) => t.call(...args);
const createProxy: typeof t.createProxy = (...args) => t.createProxy(...args);

describe('toxics', () => {
  beforeEach(() => createProxy('db'));

  it('POST /proxies/{p}/toxics answers 200 (not 201) with the defaults filled in', async () => {
    const response = await call('POST', '/proxies/db/toxics', { type: 'latency' });
    expect(response.status).toBe(200);
    expect(response.text).toBe(
      JSON.stringify({
        attributes: { latency: 0, jitter: 0 },
        name: 'latency_downstream',
        type: 'latency',
        stream: 'downstream',
        toxicity: 1,
      }),
    );
  });

  it.each([
    ['latency', { latency: 0, jitter: 0 }],
    ['bandwidth', { rate: 0 }],
    ['slow_close', { delay: 0 }],
    ['timeout', { timeout: 0 }],
    ['reset_peer', { timeout: 0 }],
    ['slicer', { average_size: 0, size_variation: 0, delay: 0 }],
    ['limit_data', { bytes: 0 }],
    ['noop', {}],
  ])('%s has attributes %j, missing ones zero', async (type, attributes) => {
    const response = await call('POST', '/proxies/db/toxics', { type, stream: 'upstream' });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      attributes,
      name: `${type}_upstream`,
      type,
      stream: 'upstream',
      toxicity: 1,
    });
  });

  it('has no range checks: negative attributes and toxicity are stored as sent', async () => {
    const response = await call('POST', '/proxies/db/toxics', {
      type: 'latency',
      toxicity: -1,
      attributes: { latency: -5, jitter: -1 },
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ attributes: { latency: -5, jitter: -1 }, toxicity: -1 });
  });

  it('keeps given name, stream, toxicity and attributes; ignores unknown attribute keys', async () => {
    const response = await call('POST', '/proxies/db/toxics', {
      name: 'slow',
      type: 'latency',
      stream: 'upstream',
      toxicity: 0.5,
      attributes: { latency: 100, jitter: 10, bogus: 'x' },
    });
    expect(response.json).toEqual({
      attributes: { latency: 100, jitter: 10 },
      name: 'slow',
      type: 'latency',
      stream: 'upstream',
      toxicity: 0.5,
    });
  });

  it('toxics of an unknown proxy → 404', async () => {
    for (const [method, path] of [
      ['GET', '/proxies/nope/toxics'],
      ['POST', '/proxies/nope/toxics'],
      ['GET', '/proxies/nope/toxics/t'],
      ['PATCH', '/proxies/nope/toxics/t'],
      ['DELETE', '/proxies/nope/toxics/t'],
    ] as const) {
      const response = await call(
        method,
        path,
        method === 'GET' || method === 'DELETE' ? undefined : { type: 'noop' },
      );
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.json).toEqual({ error: 'proxy not found', status: 404 });
    }
  });

  it('an invalid stream → 400', async () => {
    const response = await call('POST', '/proxies/db/toxics', { type: 'latency', stream: 'sideways' });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: 'stream was invalid, can be either upstream or downstream',
      status: 400,
    });
  });

  it.each(['down', 'bogus', ''])('type %j → 400 invalid toxic type', async (type) => {
    const response = await call('POST', '/proxies/db/toxics', { type });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'invalid toxic type', status: 400 });
  });

  it('toxic names are unique across both streams → 409', async () => {
    await call('POST', '/proxies/db/toxics', { name: 't', type: 'latency', stream: 'upstream' });
    const response = await call('POST', '/proxies/db/toxics', {
      name: 't',
      type: 'latency',
      stream: 'downstream',
    });
    expect(response.status).toBe(409);
    expect(response.json).toEqual({ error: 'toxic already exists', status: 409 });
  });

  it.each([
    ['a string attribute', { type: 'latency', attributes: { latency: '100' } }],
    ['a fractional attribute', { type: 'latency', attributes: { latency: 1.5 } }],
    ['attributes not an object', { type: 'latency', attributes: 'fast' }],
    ['a string toxicity', { type: 'latency', toxicity: '1' }],
    ['a numeric name', { type: 'latency', name: 7 }],
  ])('%s → 400 bad request body', async (_label, body) => {
    const response = await call('POST', '/proxies/db/toxics', body);
    expect(response.status).toBe(400);
    const json = response.json as { error: string; status: number };
    expect(json.status).toBe(400);
    expect(json.error).toMatch(/^bad request body: json: cannot unmarshal /);
  });

  it('malformed JSON for a toxic → 400 bad request body', async () => {
    const response = await call('POST', '/proxies/db/toxics', '{"type":');
    expect(response.status).toBe(400);
    expect((response.json as { error: string }).error).toMatch(/^bad request body: /);
  });

  it('GET /proxies/{p}/toxics lists upstream toxics first, then downstream, each in insertion order', async () => {
    for (const [name, stream] of [
      ['d1', 'downstream'],
      ['u1', 'upstream'],
      ['d2', 'downstream'],
      ['u2', 'upstream'],
    ]) {
      await call('POST', '/proxies/db/toxics', { name, stream, type: 'noop' });
    }
    const response = await call('GET', '/proxies/db/toxics');
    expect(response.status).toBe(200);
    expect((response.json as { name: string }[]).map((t) => t.name)).toEqual(['u1', 'u2', 'd1', 'd2']);
    expect((await call('GET', '/proxies/db')).json).toMatchObject({ toxics: response.json });
  });

  it('GET /proxies/{p}/toxics is [] with no toxics', async () => {
    const response = await call('GET', '/proxies/db/toxics');
    expect(response.status).toBe(200);
    expect(response.text).toBe('[]');
  });

  it('GET /proxies/{p}/toxics/{t} → 200, and 404 toxic not found', async () => {
    const created = await call('POST', '/proxies/db/toxics', { type: 'bandwidth', attributes: { rate: 10 } });
    const found = await call('GET', '/proxies/db/toxics/bandwidth_downstream');
    expect(found.status).toBe(200);
    expect(found.json).toEqual(created.json);
    const missing = await call('GET', '/proxies/db/toxics/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'toxic not found', status: 404 });
  });

  it.each(['POST', 'PATCH'])(
    '%s a toxic merges attributes and keeps toxicity when omitted',
    async (method) => {
      await call('POST', '/proxies/db/toxics', {
        type: 'latency',
        toxicity: 0.25,
        attributes: { latency: 100, jitter: 10 },
      });
      const response = await call(method, '/proxies/db/toxics/latency_downstream', {
        attributes: { latency: 1000 },
        name: 'ignored',
        stream: 'upstream',
      });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({
        attributes: { latency: 1000, jitter: 10 },
        name: 'latency_downstream',
        type: 'latency',
        stream: 'downstream',
        toxicity: 0.25,
      });
      const toxicity = await call(method, '/proxies/db/toxics/latency_downstream', { toxicity: 0.75 });
      expect(toxicity.json).toMatchObject({ attributes: { latency: 1000, jitter: 10 }, toxicity: 0.75 });
    },
  );

  it('updating an unknown toxic → 404; a wrong attribute type → 400', async () => {
    const missing = await call('PATCH', '/proxies/db/toxics/nope', { attributes: {} });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'toxic not found', status: 404 });
    await call('POST', '/proxies/db/toxics', { type: 'latency' });
    const bad = await call('PATCH', '/proxies/db/toxics/latency_downstream', {
      attributes: { latency: true },
    });
    expect(bad.status).toBe(400);
    expect((bad.json as { error: string }).error).toMatch(/^bad request body: json: cannot unmarshal bool/);
  });

  it('DELETE /proxies/{p}/toxics/{t} → 204 empty; 404 when unknown', async () => {
    await call('POST', '/proxies/db/toxics', { type: 'noop' });
    const response = await call('DELETE', '/proxies/db/toxics/noop_downstream');
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    const again = await call('DELETE', '/proxies/db/toxics/noop_downstream');
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ error: 'toxic not found', status: 404 });
  });
});
