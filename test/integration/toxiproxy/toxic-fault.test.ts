/**
 * The `toxic` fault adapter against the embedded server: it injects through toxiproxy-node-client,
 * removes exactly what it created, never resets a shared server, and cleans up after failures.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { UserError } from '../../../harness/core/errors.js';
import { createToxicFault, isToxicFault } from '../../../harness/faults/toxic.js';
import { toxicFaultConfig, type ToxicFaultConfig } from '../../../harness/scenario/schema/faults.js';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/server.js';
import {
  Cleanup,
  api,
  connectTo,
  roundTripMs,
  startEchoServer,
  startToxiproxy,
  type TcpServer,
} from './helpers.js';

let cleanup: Cleanup;
let upstream: TcpServer;
const logs: string[] = [];

function context(signal: AbortSignal = new AbortController().signal): AdapterContext {
  return { clock: new SystemClock(), signal, log: (line) => logs.push(line) };
}

function config(extra: Record<string, unknown> = {}, toxic: Record<string, unknown> = {}): ToxicFaultConfig {
  return toxicFaultConfig.parse({
    type: 'toxic',
    proxy: { name: 'payments', upstream: upstream.address },
    toxic: { type: 'latency', attributes: { latency: 120 }, ...toxic },
    ...extra,
  });
}

beforeEach(async () => {
  cleanup = new Cleanup();
  logs.length = 0;
  upstream = await startEchoServer(cleanup);
});
afterEach(() => cleanup.run());

describe('with the embedded server (no toxiproxy.url)', () => {
  it('proxies traffic from prepare on, injects the toxic, and clear stops the server it started', async () => {
    const fault = createToxicFault(config());
    cleanup.add(() => fault.clear(context()));
    expect(isToxicFault(fault)).toBe(true);
    const endpoint = await fault.prepareProxy(context());
    expect(endpoint.host).toBe('127.0.0.1');
    expect(fault.proxyEndpoint()).toEqual(endpoint);
    const address = `${endpoint.host}:${endpoint.port}`;
    const client = await connectTo(cleanup, address);
    expect(await roundTripMs(client)).toBeLessThan(60);

    const ctx = context();
    const before = ctx.clock.now();
    const injection = await fault.inject(ctx);
    expect(injection.effectiveAtMs).toBeGreaterThanOrEqual(before);
    expect(injection.effectiveAtMs).toBeLessThanOrEqual(ctx.clock.now());
    expect(injection.observation.method).toBe('toxic accepted by the proxy API');
    expect(injection.observation.resolutionSeconds).toBeGreaterThan(0);
    expect(injection.observation.resolutionSeconds).toBeLessThan(1);
    expect(await roundTripMs(client)).toBeGreaterThanOrEqual(118);

    await fault.clear(context());
    await expect(connectTo(cleanup, address)).rejects.toThrow(/ECONNREFUSED/);
    expect(fault.proxyEndpoint()).toBeUndefined();
    await fault.clear(context()); // idempotent
  });

  it('describes itself for reports', () => {
    const fault = createToxicFault(config({}, { toxicity: '50%', attributes: { latency: 500, jitter: 50 } }));
    expect(fault.describe()).toMatchObject({
      kind: 'toxic',
      summary: 'latency +500ms ±50ms on payments (downstream, 50% of connections)',
      details: { toxiproxy: 'embedded', toxic: { name: 'rollback-drill-latency-downstream' } },
    });
    expect(fault.remediatedByRollback).toBe(false);
  });

  it('clear is safe when nothing was injected', async () => {
    await createToxicFault(config()).clear(context());
  });
});

describe('with a shared Toxiproxy (toxiproxy.url)', () => {
  let shared: ToxiproxyServer;
  beforeEach(async () => {
    shared = await startToxiproxy(cleanup);
  });

  it('uses an existing proxy, removes only its own toxic, and never resets the server', async () => {
    const existing = await api(shared.url, 'POST', '/proxies', {
      name: 'payments',
      listen: '127.0.0.1:0',
      upstream: upstream.address,
    });
    await api(shared.url, 'POST', '/proxies/payments/toxics', { name: 'theirs', type: 'noop' });
    await api(shared.url, 'POST', '/proxies', {
      name: 'other',
      listen: '127.0.0.1:0',
      upstream: upstream.address,
      enabled: false,
    });
    await api(shared.url, 'POST', '/proxies/other/toxics', { name: 'kept', type: 'latency' });

    const fault = createToxicFault(config({ toxiproxy: { url: `${shared.url}/` } }));
    const endpoint = await fault.prepareProxy(context());
    expect(endpoint.listen).toBe((existing.json as { listen: string }).listen);
    await fault.inject(context());
    const during = (await api(shared.url, 'GET', '/proxies/payments/toxics')).json as { name: string }[];
    expect(during.map((t) => t.name)).toEqual(['theirs', 'rollback-drill-latency-downstream']);

    await fault.clear(context());
    const after = (await api(shared.url, 'GET', '/proxies')).json as Record<
      string,
      { enabled: boolean; toxics: { name: string }[] }
    >;
    expect(after['payments']?.toxics.map((t) => t.name)).toEqual(['theirs']);
    // A reset would have re-enabled `other` and dropped its toxic.
    expect(after['other']).toMatchObject({ enabled: false, toxics: [{ name: 'kept' }] });
    const client = await connectTo(cleanup, endpoint.listen);
    expect(await roundTripMs(client)).toBeLessThan(60);
  });

  it('creates a missing proxy and removes it again on clear', async () => {
    const fault = createToxicFault(config({ toxiproxy: { url: shared.url } }));
    await fault.inject(context());
    expect((await api(shared.url, 'GET', '/proxies/payments')).status).toBe(200);
    await fault.clear(context());
    expect((await api(shared.url, 'GET', '/proxies')).json).toEqual({});
    expect(logs.some((line) => line.includes('created proxy payments'))).toBe(true);
  });

  it('refuses to take over a toxic of the same name, and leaves that toxic alone on clear', async () => {
    await api(shared.url, 'POST', '/proxies', {
      name: 'payments',
      listen: '127.0.0.1:0',
      upstream: upstream.address,
    });
    await api(shared.url, 'POST', '/proxies/payments/toxics', {
      name: 'rollback-drill-latency-downstream',
      type: 'noop',
    });
    const fault = createToxicFault(config({ toxiproxy: { url: shared.url } }));
    const error = await fault.inject(context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/already exists on proxy payments/);
    await fault.clear(context());
    const toxics = (await api(shared.url, 'GET', '/proxies/payments/toxics')).json as { type: string }[];
    expect(toxics).toEqual([expect.objectContaining({ type: 'noop' })]);
  });

  it('leaves nothing behind when injection fails part-way (the proxy cannot bind)', async () => {
    const taken = await api(shared.url, 'POST', '/proxies', {
      name: 'holder',
      listen: '127.0.0.1:0',
      upstream: upstream.address,
    });
    const listen = (taken.json as { listen: string }).listen;
    const fault = createToxicFault(
      config({
        toxiproxy: { url: shared.url },
        proxy: { name: 'payments', listen, upstream: upstream.address },
      }),
    );
    await expect(fault.inject(context())).rejects.toThrow(/creating proxy payments .*status code 500/);
    await fault.clear(context());
    expect(Object.keys((await api(shared.url, 'GET', '/proxies')).json as object)).toEqual(['holder']);
  });

  it('an aborted drill stops waiting at once, and clear still removes the toxic the request created', async () => {
    // Hold the answer to the toxic POST (the server has already acted on it) until the test lets go.
    const realFetch = globalThis.fetch;
    cleanup.add(() => void (globalThis.fetch = realFetch));
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let answered = (): void => undefined;
    const postAnswered = new Promise<void>((resolve) => (answered = resolve));
    globalThis.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      if (String(input).endsWith('/toxics') && init?.method === 'POST') {
        answered();
        await held;
      }
      return response;
    };

    const fault = createToxicFault(config({ toxiproxy: { url: shared.url } }));
    const controller = new AbortController();
    const injecting = fault.inject(context(controller.signal));
    await postAnswered;
    controller.abort();
    await expect(injecting).rejects.toThrow(/aborted/);
    expect((await api(shared.url, 'GET', '/proxies/payments/toxics')).json).toHaveLength(1);

    const clearing = fault.clear(context());
    release();
    await clearing;
    expect((await api(shared.url, 'GET', '/proxies')).json).toEqual({});
  });

  it('an already-aborted signal injects nothing', async () => {
    const fault = createToxicFault(config({ toxiproxy: { url: shared.url } }));
    const controller = new AbortController();
    controller.abort();
    await expect(fault.inject(context(controller.signal))).rejects.toThrow();
    await fault.clear(context());
    expect((await api(shared.url, 'GET', '/proxies')).json).toEqual({});
  });
});
