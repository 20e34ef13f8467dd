/** The demo router's server-side SLIs on /__router/metrics. */
import { afterEach, describe, expect, it } from 'vitest';
import { BlueGreenRouter, type RouterSlot } from '../../../harness/demo/router.js';
import {
  ROUTER_DURATION_METRIC,
  ROUTER_METRICS_PATH,
  ROUTER_REQUESTS_METRIC,
  statusClassOf,
} from '../../../harness/demo/router-metrics.js';
import { findSamples, parseExposition, sampleValue } from '../../support/exposition.js';
import { describeWithServers } from '../../support/external-binaries.js';
import { runPromtool } from '../../support/prometheus.js';
import { ServedSet } from '../../unit/demo/serve.js';

const served = new ServedSet();
const routers: BlueGreenRouter[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
  await served.closeAll();
});

/** A backend that answers every request with `status`. */
async function backend(version: string, status: number): Promise<RouterSlot> {
  const { url } = await served.add((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(version);
  });
  return { name: version, version, port: Number(url.port) };
}

async function routerWith(slot: RouterSlot): Promise<BlueGreenRouter> {
  const router = await BlueGreenRouter.start();
  routers.push(router);
  router.switchTo(slot);
  return router;
}

async function hit(router: BlueGreenRouter, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await fetch(new URL('/api/products', router.url));
    await response.arrayBuffer();
  }
}

async function scrape(router: BlueGreenRouter): Promise<string> {
  const response = await fetch(router.metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

describe('router metrics', () => {
  it('counts requests by routed version and status class, with series created at 0 on switch', async () => {
    const stable = await backend('1.4.2', 200);
    const router = await routerWith(stable);
    expect(router.metricsUrl.pathname).toBe(ROUTER_METRICS_PATH);
    let exposition = parseExposition(await scrape(router));
    // Before any request: the stable version's series exist at 0 (rate() sees the first request).
    expect(sampleValue(exposition, ROUTER_REQUESTS_METRIC, { version: '1.4.2', status_class: '5xx' })).toBe(
      0,
    );
    expect(sampleValue(exposition, ROUTER_REQUESTS_METRIC, { version: '1.4.2', status_class: '2xx' })).toBe(
      0,
    );

    await hit(router, 5);
    const bad = await backend('1.5.0-errors', 500);
    router.switchTo(bad);
    exposition = parseExposition(await scrape(router));
    expect(
      sampleValue(exposition, ROUTER_REQUESTS_METRIC, { version: '1.5.0-errors', status_class: '5xx' }),
    ).toBe(0);
    await hit(router, 3);
    router.switchTo(undefined); // nothing active: the router answers 503 itself
    await hit(router, 2);

    exposition = parseExposition(await scrape(router));
    expect(sampleValue(exposition, ROUTER_REQUESTS_METRIC, { version: '1.4.2', status_class: '2xx' })).toBe(
      5,
    );
    expect(
      sampleValue(exposition, ROUTER_REQUESTS_METRIC, { version: '1.5.0-errors', status_class: '5xx' }),
    ).toBe(3);
    expect(sampleValue(exposition, ROUTER_REQUESTS_METRIC, { version: 'none', status_class: '5xx' })).toBe(2);
    // Scrapes are not counted as traffic.
    const total = findSamples(exposition, ROUTER_REQUESTS_METRIC).reduce((sum, s) => sum + s.value, 0);
    expect(total).toBe(10);
    expect(sampleValue(exposition, `${ROUTER_DURATION_METRIC}_count`, { version: '1.4.2' })).toBe(5);
    expect(exposition.types[ROUTER_REQUESTS_METRIC]).toBe('counter');
    expect(exposition.types[ROUTER_DURATION_METRIC]).toBe('histogram');
  });

  it('refuses to take writes on the metrics path and still forwards every other path', async () => {
    const router = await routerWith(await backend('1.4.2', 200));
    const post = await fetch(router.metricsUrl, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    await post.arrayBuffer();
    const other = await fetch(new URL('/__router/other', router.url));
    expect(other.status).toBe(200);
    expect(await other.text()).toBe('1.4.2');
  });

  it('names status classes', () => {
    expect([200, 302, 404, 503, 101].map(statusClassOf)).toEqual(['2xx', '3xx', '4xx', '5xx', '1xx']);
    expect(statusClassOf(undefined)).toBe('aborted');
  });
});

describeWithServers(['promtool'], 'router metrics and promtool', () => {
  it('pass `promtool check metrics`', async () => {
    const router = await routerWith(await backend('1.4.2', 200));
    await hit(router, 3);
    const result = await runPromtool(['check', 'metrics'], await scrape(router));
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
