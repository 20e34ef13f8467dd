import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsServer, type MetricsServer } from '../../../exporters/prometheus/metrics-server.js';

describe('startMetricsServer', () => {
  const servers: MetricsServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('serves the registry on /metrics in the Prometheus text format, on loopback by default', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'x_total', help: 'x', registers: [registry] });
    const server = await startMetricsServer({ port: 0, registry });
    servers.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    counter.inc(2);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toContain('x_total 2');
    counter.inc();
    expect(await (await fetch(server.url)).text()).toContain('x_total 3');

    expect((await fetch(server.url.replace('/metrics', '/nope'))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('closes promptly even with a kept-alive scrape connection, and close() is idempotent', async () => {
    const server = await startMetricsServer({ port: 0, registry: new Registry() });
    await (await fetch(server.url, { headers: { connection: 'keep-alive' } })).text();
    const started = Date.now();
    await Promise.all([server.close(), server.close()]);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('fails clearly when the port is taken', async () => {
    const first = await startMetricsServer({ port: 0, registry: new Registry() });
    servers.push(first);
    await expect(startMetricsServer({ port: first.port, registry: new Registry() })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});
