/** The alertmanager detector's webhook listener on a real loopback socket. */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertmanagerDetector } from '../../../harness/detectors/alertmanager.js';
import {
  listenForWebhooks,
  MAX_NOTIFICATION_BYTES,
  type WebhookListener,
} from '../../../harness/detectors/alertmanager-webhook.js';
import { alertmanagerDetectorConfig } from '../../../harness/scenario/schema/detection.js';
import { freePort } from '../../support/free-port.js';
import { liveContext, type LiveContext } from './context.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function notification(alerts: Record<string, unknown>[]): Record<string, unknown> {
  return {
    receiver: 'hook',
    status: 'firing',
    alerts,
    groupLabels: { alertname: 'DemoShopErrorRatioHigh' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    version: '4',
    groupKey: '{}:{alertname="DemoShopErrorRatioHigh"}',
    truncatedAlerts: 0,
  };
}

function firingAlert(startsAt: Date, labels: Record<string, string> = {}): Record<string, unknown> {
  return {
    status: 'firing',
    labels: { alertname: 'DemoShopErrorRatioHigh', service: 'demo-shop', ...labels },
    annotations: { summary: 'errors' },
    startsAt: startsAt.toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus/graph',
    fingerprint: 'abc123',
  };
}

async function post(url: string, body: unknown, method = 'POST'): Promise<number> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(5_000),
  });
  await response.arrayBuffer();
  return response.status;
}

function watching(
  port: number,
  ctx: LiveContext,
): { detector: AlertmanagerDetector; watch: Promise<unknown> } {
  const detector = new AlertmanagerDetector(
    alertmanagerDetectorConfig.parse({
      type: 'alertmanager',
      alertname: 'DemoShopErrorRatioHigh',
      labels: { service: 'demo-shop' },
      webhook: { port, path: '/hook' },
    }),
  );
  const watch = detector.watch(ctx);
  cleanups.push(async () => {
    ctx.controller.abort(Object.assign(new Error('test over'), { name: 'AbortError' }));
    await watch.catch(() => undefined);
  });
  return { detector, watch };
}

async function waitForListening(ctx: LiveContext): Promise<void> {
  for (let i = 0; i < 100 && !ctx.logs.some((l) => l.includes('listening for webhooks')); i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('alertmanager detector: webhook', () => {
  it('detects on the first matching firing notification, timed on receipt, then stops listening', async () => {
    const port = await freePort();
    const ctx = liveContext();
    const faultStart = new Date();
    const { detector, watch } = watching(port, ctx);
    await waitForListening(ctx);
    expect(ctx.logs).toContain(`alertmanager: listening for webhooks on http://127.0.0.1:${port}/hook`);
    const url = `http://127.0.0.1:${port}/hook`;
    // Another service's alert and an old one are acknowledged but not counted.
    expect(await post(url, notification([firingAlert(new Date(), { service: 'other' })]))).toBe(200);
    expect(await post(url, notification([firingAlert(new Date(faultStart.getTime() - 60_000))]))).toBe(200);
    const startsAt = new Date();
    const beforeSend = ctx.clock.now();
    expect(await post(url, notification([firingAlert(startsAt)]))).toBe(200);
    const detection = (await watch) as { atMs: number; observed: Record<string, number>; reason: string };
    expect(detection.atMs).toBeGreaterThanOrEqual(beforeSend);
    expect(detection.atMs - beforeSend).toBeLessThan(2_000);
    expect(detection.observed).toMatchObject({
      alertStartsAtEpochMs: startsAt.getTime(),
      viaWebhook: 1,
      webhookNotifications: 3,
      oldAlertsIgnored: 1,
    });
    expect(detection.reason).toContain('received by webhook');
    expect(detector.describe().observation.resolutionSeconds).toBe(0.001);
    // The listener is closed once the watch is over.
    await expect(post(url, notification([]))).rejects.toThrow();
  });

  it('refuses wrong paths, methods, bodies and sizes without detecting', async () => {
    const port = await freePort();
    const ctx = liveContext();
    const { watch } = watching(port, ctx);
    let settled = false;
    void watch.finally(() => (settled = true)).catch(() => undefined);
    await waitForListening(ctx);
    const base = `http://127.0.0.1:${port}`;
    expect(await post(`${base}/elsewhere`, notification([firingAlert(new Date())]))).toBe(404);
    expect(await post(`${base}/hook`, null, 'GET')).toBe(405);
    expect(await post(`${base}/hook`, '{not json')).toBe(400);
    expect(await post(`${base}/hook`, { ...notification([firingAlert(new Date())]), version: '3' })).toBe(
      400,
    );
    expect(await post(`${base}/hook`, 'x'.repeat(MAX_NOTIFICATION_BYTES + 10))).toBe(413);
    expect(settled).toBe(false);
    expect(ctx.logs.filter((l) => l.startsWith('alertmanager: refused a webhook request'))).toHaveLength(5);
  });

  it('fails the watch with a clear error when its port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const { port } = blocker.address() as { port: number };
    const ctx = liveContext();
    const { watch } = watching(port, ctx);
    await expect(watch).rejects.toThrow(
      `cannot listen for Alertmanager webhooks on 127.0.0.1:${port}: the port is in use`,
    );
  });

  it('closes keep-alive connections when it closes', async () => {
    const port = await freePort();
    const listener: WebhookListener = await listenForWebhooks({
      port,
      path: '/hook',
      now: () => 0,
      onNotification: () => undefined,
    });
    const response = await fetch(`http://127.0.0.1:${port}/hook`, {
      method: 'POST',
      body: JSON.stringify(notification([])),
      headers: { connection: 'keep-alive' },
    });
    expect(response.status).toBe(200);
    const closed = Date.now();
    await listener.close();
    expect(Date.now() - closed).toBeLessThan(1_000);
  });
});
