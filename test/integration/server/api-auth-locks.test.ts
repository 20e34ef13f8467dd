/** Auth on every mutating route, one drill per target, and hostile requests — against a real listening daemon. */
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServeHarness, type ServeHarness } from './serve-harness.js';

let serve: ServeHarness;
beforeEach(async () => {
  serve = await startServeHarness();
});
afterEach(async () => {
  await serve.stop();
});

const RUN = '20261122T060000Z-alpha-0a0b';

describe('bearer-token auth', () => {
  it('answers 401 JSON to every mutating route without a token, with a wrong one, or a malformed header', async () => {
    const routes: [string, unknown][] = [
      ['/api/runs', { scenario: 'alpha' }],
      [`/api/runs/${RUN}/abort`, {}],
      [`/api/runs/${RUN}/marks`, { kind: 'detected', by: 'alice' }],
      ['/api/no-such-route', {}],
    ];
    for (const [path, body] of routes) {
      for (const token of [
        null,
        'wrong-token-wrong-token-wrong',
        `${'serve-test-token-0123456789abcdef'}x`,
      ]) {
        const response = await serve.request('POST', path, { body, token });
        expect(response.status, `${path} with ${String(token)}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="rollback-drill"');
        expect(response.json['error']).toMatch(token === null ? /needs Authorization: Bearer/ : /not valid/);
      }
      const basic = await serve.request('POST', path, {
        body,
        token: null,
        headers: { authorization: 'Basic dXNlcjpwYXNz' },
      });
      expect(basic.status).toBe(401);
    }
    expect(serve.drills.launches).toHaveLength(0);
  });

  it('leaves reads open and accepts the right token', async () => {
    for (const path of ['/healthz', '/metrics', '/api/scenarios', '/api/runs', '/']) {
      expect((await serve.request('GET', path, { token: null })).status, path).toBe(200);
    }
    const started = await serve.request('POST', '/api/runs', { body: { scenario: 'alpha' } });
    expect(started.status).toBe(202);
    serve.drills.finish(String(started.json['runId']));
  });
});

describe('one drill per target', () => {
  it('answers 409 to a second drill on a busy target, runs one on another target, and frees the target when the first ends', async () => {
    const first = await serve.request('POST', '/api/runs', { body: { scenario: 'alpha' } });
    expect(first.status).toBe(202);
    const runId = String(first.json['runId']);
    expect(runId).toMatch(/^\d{8}T\d{6}Z-alpha-[0-9a-f]{4}$/);
    expect(first.headers.get('location')).toBe(`/api/runs/${runId}`);

    for (const scenario of ['alpha', 'beta']) {
      const busy = await serve.request('POST', '/api/runs', { body: { scenario } });
      expect(busy.status, scenario).toBe(409);
      expect(busy.json).toMatchObject({ runId, target: 'service:shop@staging' });
      expect(busy.json['error']).toMatch(
        new RegExp(`^target busy: service:shop@staging is in use by run ${runId} since `),
      );
    }
    const other = await serve.request('POST', '/api/runs', { body: { scenario: 'gamma' } });
    expect(other.status).toBe(202);

    const scenarios = await serve.request('GET', '/api/scenarios');
    const busyWith = Object.fromEntries(
      (scenarios.json['scenarios'] as { name: string; busyWith: string | null }[]).map((s) => [
        s.name,
        s.busyWith,
      ]),
    );
    expect(busyWith).toEqual({ alpha: runId, beta: runId, gamma: other.json['runId'] });

    serve.drills.finish(runId);
    await serve.finished(runId);
    const again = await serve.request('POST', '/api/runs', { body: { scenario: 'beta' } });
    expect(again.status).toBe(202);
    serve.drills.finish(String(again.json['runId']));
    serve.drills.finish(String(other.json['runId']));
  });

  it('lets only one of many simultaneous starts on a target through', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        serve.request('POST', '/api/runs', { body: { scenario: i % 2 ? 'alpha' : 'beta' } }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409, 409, 409]);
    const winner = responses.find((r) => r.status === 202);
    serve.drills.finish(String(winner?.json['runId']));
  });
});

describe('hostile and malformed requests', () => {
  it('refuses run ids that are not run ids, including path traversal', async () => {
    for (const id of [
      '..',
      '..%2F..%2Fetc%2Fpasswd',
      '%2E%2E',
      'run.json',
      '20261122T060000Z-alpha-0a0b%00',
      '20261122T060000Z-ALPHA-0a0b',
    ]) {
      for (const [method, suffix] of [
        ['GET', ''],
        ['GET', '/report'],
        ['POST', '/abort'],
        ['POST', '/marks'],
      ] as const) {
        const response = await serve.request(
          method,
          `/api/runs/${id}${suffix}`,
          method === 'POST' ? { body: { kind: 'detected', by: 'x' } } : {},
        );
        expect([400, 404], `${method} ${id}${suffix} → ${response.status}`).toContain(response.status);
        expect(response.json['error']).toBeTypeOf('string');
      }
    }
  });

  it('bounds bodies, wants JSON, and says what is wrong with a body', async () => {
    const huge = await serve.request('POST', '/api/runs', { body: { scenario: 'x'.repeat(20_000) } });
    expect(huge.status).toBe(413);
    expect(huge.json['error']).toMatch(/too large \(limit 16384 bytes\)/);
    const text = await serve.request('POST', '/api/runs', {
      body: 'scenario=alpha',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const badJson = await serve.request('POST', '/api/runs', { body: '{"scenario": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.json['error']).toBeTypeOf('string');
    const empty = await serve.request('POST', '/api/runs', { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.json).toMatchObject({ error: 'invalid request body', problems: [{ path: 'scenario' }] });
    const extra = await serve.request('POST', '/api/runs', {
      body: { scenario: 'alpha', file: '/etc/passwd' },
    });
    expect(extra.status).toBe(400);
    const unknown = await serve.request('POST', '/api/runs', { body: { scenario: 'nope' } });
    expect(unknown.status).toBe(404);
    expect(unknown.json['error']).toMatch(/no scenario named "nope" .*1 file\(s\) there do not validate/);
    expect(serve.drills.launches).toHaveLength(0);
  });

  it('answers unknown routes with 404 JSON', async () => {
    const response = await serve.request('GET', '/api/nothing');
    expect(response.status).toBe(404);
    expect(response.json['error']).toBe('no route GET /api/nothing');
  });
});

describe('requests a browser was made to send', () => {
  it('refuses a mutation from a foreign Origin even with the token, and accepts the daemon’s own origin', async () => {
    const foreign = await serve.request('POST', '/api/runs', {
      body: { scenario: 'alpha' },
      headers: { origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.json['error']).toBe('cross-origin request from http://evil.example refused');
    const nullOrigin = await serve.request('POST', '/api/runs', {
      body: { scenario: 'alpha' },
      headers: { origin: 'null' },
    });
    expect(nullOrigin.status).toBe(403);
    const own = await serve.request('POST', '/api/runs', {
      body: { scenario: 'alpha' },
      headers: { origin: serve.url },
    });
    expect(own.status).toBe(202);
    serve.drills.finish(String(own.json['runId']));
    expect(
      (await serve.request('GET', '/api/runs', { headers: { origin: 'http://evil.example' } })).status,
    ).toBe(200);
  });
});

describe('--insecure-no-auth', () => {
  it('needs no token, but serves only loopback Host names (DNS rebinding)', async () => {
    const open = await startServeHarness({ auth: { mode: 'none' } });
    try {
      const started = await open.request('POST', '/api/runs', { body: { scenario: 'gamma' }, token: null });
      expect(started.status).toBe(202);
      open.drills.finish(String(started.json['runId']));
      const { port } = new URL(open.url);
      const rebound = await rawGet(Number(port), 'evil.example:' + port, '/api/runs');
      expect(rebound.status).toBe(403);
      expect(rebound.body).toContain('is not a loopback name');
      expect((await rawGet(Number(port), `localhost:${port}`, '/healthz')).status).toBe(200);
      expect((await rawGet(Number(port), `[::1]:${port}`, '/healthz')).status).toBe(200);
    } finally {
      await open.stop();
    }
  });

  it('is refused by the daemon itself beyond loopback', async () => {
    await expect(startServeHarness({ auth: { mode: 'none' }, host: '0.0.0.0' })).rejects.toThrow(
      /only allowed on a loopback address/,
    );
  });
});

/** fetch cannot set Host; node:http can. */
function rawGet(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, path, headers: { host }, timeout: 5_000 },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}
