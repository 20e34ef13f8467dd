/** pushRunMetrics against a scripted loopback gateway: retries, backoff, credentials, failures. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelayMs, pushRunMetrics } from '../../../exporters/pushgateway/push.js';
import { pushgatewayObserver } from '../../../exporters/pushgateway/observer.js';
import { deadUrl } from '../../support/free-port.js';
import { makeRunRecord } from '../../support/fixtures.js';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: string;
}

/** A gateway that answers PUTs with the given statuses in turn (then 200) and GETs with an empty API. */
async function scriptedGateway(
  putStatuses: number[],
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      ...(request.headers['content-type'] ? { contentType: request.headers['content-type'] } : {}),
      body,
    });
    if (request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":[]}');
      return;
    }
    const status = putStatuses.shift() ?? 200;
    response.writeHead(status).end(status === 200 ? '' : `status ${status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    ),
  );
});

describe('pushRunMetrics', () => {
  it('backs off 1x, 2x, 4x, 8x the base delay, then stays at 8x', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, 500))).toEqual([
      500, 1000, 2000, 4000, 4000, 4000,
    ]);
  });

  it('PUTs the text format to the group URL, retrying 5xx until it succeeds', async () => {
    const gateway = await scriptedGateway([503, 502]);
    const result = await pushRunMetrics(makeRunRecord(), { url: gateway.url, retries: 3, backoffMs: 5 });
    expect(result).toMatchObject({ ok: true, attempts: 3, notes: [] });
    expect(result.url).toBe(
      `${gateway.url}/metrics/job/rollback_drill/scenario/checkout-bad-release/service/shop/environment/staging`,
    );
    const puts = gateway.seen.filter((s) => s.method === 'PUT');
    expect(puts).toHaveLength(3);
    expect(puts[0]?.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(puts[0]?.body).toContain('# TYPE rollback_drill_runs_total counter');
    expect(puts[0]?.body).not.toContain(makeRunRecord().runId);
  });

  it('does not retry a 4xx: the request itself is wrong', async () => {
    const gateway = await scriptedGateway([400]);
    const result = await pushRunMetrics(makeRunRecord(), { url: gateway.url, retries: 3, backoffMs: 5 });
    expect(result).toMatchObject({ ok: false, attempts: 1, error: 'HTTP 400: status 400' });
  });

  it('gives up after the retries with the cause, never throwing, when nothing listens', async () => {
    const url = await deadUrl();
    const started = Date.now();
    const result = await pushRunMetrics(makeRunRecord(), {
      url,
      retries: 2,
      backoffMs: 10,
      timeoutMs: 1_000,
    });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(3);
    expect(result.error).toMatch(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('sends URL credentials as basic auth and never reports them', async () => {
    const gateway = await scriptedGateway([]);
    const withCredentials = gateway.url.replace('http://', 'http://drills:s3cret@');
    const result = await pushRunMetrics(makeRunRecord(), { url: withCredentials, retries: 0 });
    expect(result.ok).toBe(true);
    expect(result.url).not.toContain('s3cret');
    const expected = `Basic ${Buffer.from('drills:s3cret').toString('base64')}`;
    expect(gateway.seen.map((s) => s.authorization)).toEqual([expected, expected]);
  });

  it('rejects an invalid URL without attempting', async () => {
    expect(await pushRunMetrics(makeRunRecord(), { url: 'not a url' })).toMatchObject({
      ok: false,
      attempts: 0,
      error: 'invalid Pushgateway URL',
    });
  });
});

/** Accepts connections and never answers: the per-attempt timeout must end each attempt. */
async function silentGateway(): Promise<string> {
  const server = createServer(() => {
    // never respond
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('a gateway that never answers', () => {
  it('times each attempt out and reports it', async () => {
    const url = await silentGateway();
    const started = Date.now();
    const result = await pushRunMetrics(makeRunRecord(), { url, retries: 1, backoffMs: 5, timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, attempts: 2 });
    expect(result.error).toMatch(/^timed out/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('leaves an honest "in progress" entry in the record while the push is still running', async () => {
    const url = await silentGateway();
    const record = makeRunRecord();
    const pushing = pushgatewayObserver({ url, retries: 0, timeoutMs: 300 }).runFinished?.(record);
    expect(record.exports['pushgateway']).toMatchObject({
      ok: false,
      attempts: 0,
      error: 'push still in progress when the record was written',
    });
    await pushing;
    expect(record.exports['pushgateway']).toMatchObject({ ok: false, attempts: 1 });
  });
});

describe('pushgatewayObserver', () => {
  it('writes what it did to record.exports.pushgateway, failure included, and leaves the result alone', async () => {
    const record = makeRunRecord();
    const url = await deadUrl();
    const observer = pushgatewayObserver({ url, retries: 1, backoffMs: 5, timeoutMs: 1_000 });
    await observer.runFinished?.(record);
    expect(record.result).toBe('passed');
    expect(record.exports['pushgateway']).toMatchObject({
      ok: false,
      attempts: 2,
      grouping: {
        job: 'rollback_drill',
        scenario: 'checkout-bad-release',
        service: 'shop',
        environment: 'staging',
      },
    });
    expect(String(record.exports['pushgateway']?.['error'])).toMatch(/ECONNREFUSED/);
    expect(observer.lastResult()?.ok).toBe(false);
  });
});
