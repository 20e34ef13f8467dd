/** The Prometheus query client and the Alertmanager alerts client against loopback stand-ins. */
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../harness/core/clock.js';
import { createAlertsClient } from '../../../harness/detectors/alertmanager-poll.js';
import {
  createPrometheusClient,
  type PrometheusClient,
} from '../../../harness/detectors/prometheus-query.js';
import { deadUrl } from '../../support/free-port.js';
import { ServedSet } from '../../unit/demo/serve.js';

const served = new ServedSet();
const clients: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await served.closeAll();
});

function prometheusAt(url: string, timeoutMs = 2_000, bearerToken?: string): PrometheusClient {
  const client = createPrometheusClient({
    url,
    timeoutMs,
    clock: new SystemClock(),
    ...(bearerToken ? { bearerToken } : {}),
  });
  clients.push(client);
  return client;
}

describe('Prometheus query client', () => {
  it('sends the query (and a bearer token) to /api/v1/query under a path prefix', async () => {
    const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
    const { url } = await served.add((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1, '2'] }] },
        }),
      );
    });
    const client = prometheusAt(`${url.origin}/prom`, 2_000, 'tok-1234');
    const answer = await client.query('up == 0', new AbortController().signal);
    expect(answer.samples).toEqual([{ metric: { a: 'b' }, value: 2 }]);
    expect(seen[0]?.url).toBe('/prom/api/v1/query?query=up+%3D%3D+0');
    expect(seen[0]?.headers.authorization).toBe('Bearer tok-1234');
  });

  it("reports Prometheus's error, an unreachable server and a timeout as query errors", async () => {
    const { url } = await served.add((req, res) => {
      if ((req.url ?? '').includes('slow')) return; // never answers
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected <op:=>"}');
    });
    const signal = new AbortController().signal;
    await expect(prometheusAt(url.origin).query('up =', signal)).rejects.toThrow(
      'HTTP 400, bad_data: 1:5: parse error: unexpected <op:=>',
    );
    await expect(prometheusAt(await deadUrl()).query('up', signal)).rejects.toThrow(
      /^cannot reach http:\/\/127\.0\.0\.1:\d+: /,
    );
    const started = Date.now();
    await expect(prometheusAt(url.origin, 300).query('slow', signal)).rejects.toMatchObject({
      name: 'PrometheusQueryError',
      message: 'no answer within 300ms',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stays an abort when the caller aborts', async () => {
    const { url } = await served.add(() => undefined);
    const controller = new AbortController();
    const query = prometheusAt(url.origin, 10_000).query('up', controller.signal);
    setTimeout(() => controller.abort(Object.assign(new Error('drill over'), { name: 'AbortError' })), 100);
    await expect(query).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('Alertmanager alerts client', () => {
  it('asks /api/v2/alerts with the matcher filters and reads the alerts', async () => {
    let asked = '';
    const { url } = await served.add((req, res) => {
      asked = req.url ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify([
          {
            labels: { alertname: 'A', service: 's' },
            startsAt: '2026-11-22T06:00:00Z',
            fingerprint: 'f',
            status: { state: 'active' },
          },
        ]),
      );
    });
    const client = createAlertsClient({
      url: url.origin,
      matcher: { alertname: 'A', labels: { service: 's' } },
      timeoutMs: 2_000,
      clock: new SystemClock(),
    });
    clients.push(client);
    const alerts = await client.fetch(new AbortController().signal);
    expect(alerts).toEqual([
      {
        labels: { alertname: 'A', service: 's' },
        startsAt: '2026-11-22T06:00:00Z',
        fingerprint: 'f',
        firing: true,
      },
    ]);
    const params = new URL(asked, 'http://x').searchParams;
    expect(params.getAll('filter')).toEqual(['alertname="A"', 'service="s"']);
  });

  it('reports a non-200 answer with its body', async () => {
    const { url } = await served.add((_req, res) => {
      res.writeHead(503);
      res.end('not ready');
    });
    const client = createAlertsClient({
      url: url.origin,
      matcher: { alertname: 'A', labels: {} },
      timeoutMs: 2_000,
      clock: new SystemClock(),
    });
    clients.push(client);
    await expect(client.fetch(new AbortController().signal)).rejects.toThrow(
      'HTTP 503 from /api/v2/alerts: not ready',
    );
  });
});
