import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { UserError } from '../../../harness/core/errors.js';
import { embeddedTargetConfig } from '../../../harness/scenario/schema/targets.js';
import { createEmbeddedTarget, type EmbeddedTarget } from '../../../harness/targets/embedded.js';
import { postJson, ServedSet } from '../../unit/demo/serve.js';
import { isAlive, killAll } from './process-helpers.js';

const clock = new SystemClock();
const targets: EmbeddedTarget[] = [];
const pids = new Set<number>();
const served = new ServedSet();

afterEach(async () => {
  await Promise.allSettled(targets.splice(0).map((target) => target.dispose()));
  killAll(pids);
  pids.clear();
  await served.closeAll();
});

function context(signal = new AbortController().signal): AdapterContext & { lines: string[] } {
  const lines: string[] = [];
  return { clock, signal, log: (line) => lines.push(line), lines };
}

function target(overrides: Record<string, unknown> = {}): EmbeddedTarget {
  const created = createEmbeddedTarget(embeddedTargetConfig.parse({ type: 'embedded', ...overrides }));
  targets.push(created);
  return created;
}

function rememberPids(embedded: EmbeddedTarget): void {
  for (const { pid } of embedded.liveProcesses()) pids.add(pid);
}

async function checkoutStatuses(baseUrl: URL, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++)
    statuses.push((await postJson(new URL('/api/checkout', baseUrl), {})).status);
  return statuses;
}

function pidOf(embedded: EmbeddedTarget, label: string): number {
  const found = embedded.liveProcesses().find((process) => process.label === label);
  if (!found) throw new Error(`no live process ${label}`);
  return found.pid;
}

describe('embedded target', () => {
  it('prepare → deploy 1.5.0-errors → checkout fails → rollback → stable serves; then the same with a crash', async () => {
    const embedded = target({ healthPollInterval: '50ms' });
    const ctx = context();
    const { baseUrl } = await embedded.prepare(ctx);
    rememberPids(embedded);
    expect(await embedded.currentVersion(ctx)).toBe('1.4.2');
    expect(await embedded.health(ctx)).toEqual({ healthy: true, version: '1.4.2' });
    expect(await checkoutStatuses(baseUrl, 10)).toEqual(Array(10).fill(200));

    const beforeDeploy = clock.now();
    const deployed = await embedded.deploy('1.5.0-errors', ctx);
    rememberPids(embedded);
    expect(deployed.servingAtMs).toBeGreaterThanOrEqual(beforeDeploy);
    expect(deployed.servingAtMs).toBeLessThanOrEqual(clock.now());
    expect(deployed.observation).toEqual({
      method: 'router switch observed in-process',
      resolutionSeconds: 0.001,
    });
    expect(await embedded.currentVersion(ctx)).toBe('1.5.0-errors');
    const badStatuses = await checkoutStatuses(baseUrl, 20);
    expect(badStatuses.filter((status) => status === 500)).toHaveLength(12);
    const candidatePid = pidOf(embedded, 'shop 1.5.0-errors');

    const rolledBack = await embedded.rollback(ctx);
    expect(rolledBack.version).toBe('1.4.2');
    expect(rolledBack.completedAtMs).toBeGreaterThan(deployed.servingAtMs);
    expect(rolledBack.observation).toEqual({
      method: 'polled router /healthz every 50 ms',
      resolutionSeconds: 0.05,
    });
    expect(isAlive(candidatePid)).toBe(false);
    const afterRollback = await postJson(new URL('/api/checkout', baseUrl), {});
    expect(afterRollback).toMatchObject({ status: 200, body: { payment: 'charged' } });
    expect(await checkoutStatuses(baseUrl, 20)).toEqual(Array(20).fill(200));

    const crashed = await embedded.deploy('1.5.0-crash', ctx);
    rememberPids(embedded);
    expect(ctx.lines.join('\n')).toMatch(
      /switched to 1.5.0-crash, which is not listening: exited with code 1/,
    );
    const broken = await fetch(new URL('/api/products', baseUrl));
    expect(broken.status).toBe(502);
    expect(broken.headers.get('x-routed-to')).toBe('1.5.0-crash');
    await broken.text();
    expect(await embedded.health(ctx)).toEqual({
      healthy: false,
      version: '1.5.0-crash',
      detail: '502 backend 1.5.0-crash (green) is not running',
    });
    expect(await embedded.currentVersion(ctx)).toBeUndefined();

    const restored = await embedded.rollback(ctx);
    expect(restored.completedAtMs).toBeGreaterThan(crashed.servingAtMs);
    const products = await fetch(new URL('/api/products', baseUrl));
    expect(products.status).toBe(200);
    expect(products.headers.get('x-routed-to')).toBe('1.4.2');
    await products.text();
  });

  it('dispose stops every child, waits for them, and is idempotent', async () => {
    const embedded = target();
    const ctx = context();
    await embedded.prepare(ctx);
    await embedded.deploy('1.5.0-slow', ctx);
    rememberPids(embedded);
    const labels = embedded.liveProcesses().map((process) => process.label);
    expect(labels.sort()).toEqual(['payments', 'shop 1.4.2', 'shop 1.5.0-slow']);
    const running = [...pids];
    expect(running.every(isAlive)).toBe(true);

    await embedded.dispose();
    for (const pid of running)
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(embedded.liveProcesses()).toEqual([]);
    await embedded.dispose();
    await expect(embedded.deploy('1.4.1', ctx)).rejects.toThrow('the embedded target was disposed');
  });

  it('the slow release adds 250 ms through the router', async () => {
    const embedded = target();
    const ctx = context();
    const { baseUrl } = await embedded.prepare(ctx);
    rememberPids(embedded);
    await embedded.deploy('1.5.0-slow', ctx);
    rememberPids(embedded);
    await (await fetch(new URL('/healthz', baseUrl))).text();
    const started = performance.now();
    const response = await fetch(new URL('/api/products', baseUrl));
    await response.text();
    const elapsed = performance.now() - started;
    expect(response.headers.get('x-routed-to')).toBe('1.5.0-slow');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('a rollback lets requests already in flight on the bad release finish', async () => {
    const embedded = target({ healthPollInterval: '20ms' });
    const ctx = context();
    const { baseUrl } = await embedded.prepare(ctx);
    rememberPids(embedded);
    await embedded.deploy('1.5.0-slow', ctx);
    rememberPids(embedded);
    const candidatePid = pidOf(embedded, 'shop 1.5.0-slow');
    await (await fetch(new URL('/healthz', baseUrl))).text();

    // Each takes 250 ms on the slow release; the rollback switches and stops it meanwhile.
    const inFlight = Array.from({ length: 5 }, () =>
      fetch(new URL('/api/products', baseUrl)).then(async (response) => {
        await response.text();
        return [response.status, response.headers.get('x-routed-to')];
      }),
    );
    // Real I/O, not logic: give the requests time to reach the slow backend. Had they not, they would
    // be routed to 1.4.2 after the switch, and the x-routed-to check below would say so.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await embedded.rollback(ctx);
    expect(await Promise.all(inFlight)).toEqual(Array(5).fill([200, '1.5.0-slow']));
    expect(isAlive(candidatePid)).toBe(false);
  });

  it('rejects an unknown version with the known ones, and restarts a stable version that died', async () => {
    const embedded = target({ healthPollInterval: '20ms' });
    const ctx = context();
    const { baseUrl } = await embedded.prepare(ctx);
    rememberPids(embedded);
    const unknown = embedded.deploy('2.0.0', ctx);
    await expect(unknown).rejects.toBeInstanceOf(UserError);
    await expect(unknown).rejects.toThrow(
      'the demo shop has no version 2.0.0; known versions: 1.4.1, 1.4.2, 1.5.0-errors, 1.5.0-slow, 1.5.0-crash',
    );

    await embedded.deploy('1.5.0-errors', ctx);
    rememberPids(embedded);
    const stablePid = pidOf(embedded, 'shop 1.4.2');
    process.kill(stablePid, 'SIGKILL');
    const confirmation = await embedded.rollback(ctx);
    rememberPids(embedded);
    expect(confirmation.version).toBe('1.4.2');
    expect(ctx.lines.join('\n')).toContain('stable version 1.4.2 had exited; starting it again');
    expect(pidOf(embedded, 'shop 1.4.2')).not.toBe(stablePid);
    expect((await fetch(new URL('/version', baseUrl)).then((r) => r.json())) as unknown).toEqual({
      version: '1.4.2',
    });
  });

  it('honours abort: a deploy stops its half-started candidate, a rollback stops polling', async () => {
    const embedded = target();
    const { baseUrl } = await embedded.prepare(context());
    rememberPids(embedded);

    const controller = new AbortController();
    const deploying = embedded.deploy('1.4.1', context(controller.signal));
    // Abort as soon as the candidate exists, well before it can listen.
    await new Promise((resolve) => setImmediate(resolve));
    const candidate = embedded.liveProcesses().find((process) => process.label === 'shop 1.4.1');
    expect(candidate).toBeDefined();
    controller.abort();
    await expect(deploying).rejects.toMatchObject({ name: 'AbortError' });
    expect(isAlive(candidate?.pid ?? -1)).toBe(false);
    expect((await fetch(new URL('/version', baseUrl)).then((r) => r.json())) as unknown).toEqual({
      version: '1.4.2',
    });

    await expect(embedded.rollback(context(AbortSignal.abort()))).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('lets each deploy (or the config) choose where checkout calls payments', async () => {
    const embedded = target();
    const ctx = context();
    const { baseUrl } = await embedded.prepare(ctx);
    rememberPids(embedded);
    const payments = embedded.paymentsAddress();
    expect(payments).toBeDefined();
    expect(await postJson(new URL('/charge', payments), {})).toEqual({
      status: 200,
      body: { status: 'charged' },
    });

    const gone = await served.add(() => undefined);
    await gone.close();
    await embedded.deploy('1.4.1', ctx, { paymentsUrl: gone.url });
    rememberPids(embedded);
    expect(await postJson(new URL('/api/checkout', baseUrl), {})).toMatchObject({
      status: 502,
      body: { error: 'payment service unavailable' },
    });
    expect((await fetch(new URL('/api/products', baseUrl))).status).toBe(200);
  });

  it('sends every version through a configured paymentsUrl (where a fault proxy would sit)', async () => {
    let charges = 0;
    const proxy = await served.add((req, res) => {
      charges++;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"charged"}');
    });
    const embedded = target({ paymentsUrl: proxy.url.href });
    const { baseUrl } = await embedded.prepare(context());
    rememberPids(embedded);
    expect(await postJson(new URL('/api/checkout', baseUrl), {})).toMatchObject({ status: 200 });
    expect(charges).toBe(1);
  });
});
