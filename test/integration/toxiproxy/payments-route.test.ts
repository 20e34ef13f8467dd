/**
 * The demo shop's payments route under a network fault, in-process: the embedded target deploys
 * 1.5.0-mesh with payments routed through the toxic fault's proxy (embedded server), checkout slows by
 * the toxic's latency, and rolling back restores the direct route. Real processes on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { UserError } from '../../../harness/core/errors.js';
import { createToxicFault } from '../../../harness/faults/toxic.js';
import { toxicFaultConfig } from '../../../harness/scenario/schema/faults.js';
import { embeddedTargetConfig } from '../../../harness/scenario/schema/targets.js';
import { createEmbeddedTarget, type EmbeddedTarget } from '../../../harness/targets/embedded.js';
import { Cleanup, connectTo } from './helpers.js';

const clock = new SystemClock();
const LATENCY_MS = 300;
let cleanup = new Cleanup();

afterEach(async () => {
  await cleanup.run();
  cleanup = new Cleanup();
});

function context(): AdapterContext {
  return { clock, signal: new AbortController().signal, log: () => undefined };
}

async function preparedTarget(): Promise<{ embedded: EmbeddedTarget; baseUrl: URL }> {
  const embedded = createEmbeddedTarget(
    embeddedTargetConfig.parse({ type: 'embedded', healthPollInterval: '50ms' }),
  );
  cleanup.add(() => embedded.dispose());
  const { baseUrl } = await embedded.prepare(context());
  return { embedded, baseUrl };
}

/** Status and wall time of one checkout (the demo cart), in ms. */
async function checkout(baseUrl: URL): Promise<{ status: number; ms: number; version: string | null }> {
  const started = performance.now();
  const response = await fetch(new URL('/api/checkout', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cartId: 'demo' }),
  });
  await response.text();
  return {
    status: response.status,
    ms: performance.now() - started,
    version: response.headers.get('x-demo-version'),
  };
}

async function checkouts(
  baseUrl: URL,
  count: number,
): Promise<{ statuses: number[]; fastestMs: number; versions: Set<string | null> }> {
  const results = [];
  for (let i = 0; i < count; i++) results.push(await checkout(baseUrl));
  return {
    statuses: results.map((r) => r.status),
    fastestMs: Math.min(...results.map((r) => r.ms)),
    versions: new Set(results.map((r) => r.version)),
  };
}

describe('the embedded target with a payments route through a toxic proxy', () => {
  it('says where payments listens, and knows no other dependency', async () => {
    const { embedded } = await preparedTarget();
    expect(embedded.dependencyAddress('payments')).toEqual(embedded.paymentsAddress());
    expect(embedded.dependencyAddress('payments')?.hostname).toBe('127.0.0.1');
    expect(embedded.dependencyAddress('ledger')).toBeUndefined();
    const error = await embedded
      .deploy('1.5.0-mesh', context(), { dependencies: { ledger: new URL('http://127.0.0.1:9') } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(
      embedded
        .liveProcesses()
        .map((p) => p.label)
        .sort(),
    ).toEqual(['payments', 'shop 1.4.2']);
  });

  it('1.5.0-mesh checks out through the slow route; rolling back to 1.4.2 is fast again; clear removes the proxy', async () => {
    const { embedded, baseUrl } = await preparedTarget();
    const fault = createToxicFault(
      toxicFaultConfig.parse({
        type: 'toxic',
        dependency: 'payments',
        release: { version: '1.5.0-mesh' },
        proxy: { name: 'demo-payments' },
        toxic: { type: 'latency', attributes: { latency: LATENCY_MS } },
      }),
      { target: embedded },
    );
    cleanup.add(() => fault.clear(context()));

    const before = await checkouts(baseUrl, 5);
    expect(before.statuses).toEqual([200, 200, 200, 200, 200]);
    expect(before.fastestMs).toBeLessThan(100);

    await fault.inject(context());
    expect(await embedded.currentVersion(context())).toBe('1.5.0-mesh');
    const during = await checkouts(baseUrl, 5);
    expect(during.statuses).toEqual([200, 200, 200, 200, 200]);
    expect([...during.versions]).toEqual(['1.5.0-mesh']);
    // Every checkout waits for the payments answer, which the toxic holds LATENCY_MS.
    expect(during.fastestMs).toBeGreaterThanOrEqual(LATENCY_MS - 5);
    expect(during.fastestMs).toBeLessThan(LATENCY_MS + 500);
    const endpoint = fault.proxyEndpoint();
    if (!endpoint) throw new Error('no proxy endpoint after inject');

    await embedded.rollback(context());
    const after = await checkouts(baseUrl, 5);
    expect(after.statuses).toEqual([200, 200, 200, 200, 200]);
    expect([...after.versions]).toEqual(['1.4.2']);
    expect(after.fastestMs).toBeLessThan(100);

    await fault.clear(context());
    expect(fault.proxyEndpoint()).toBeUndefined();
    await expect(connectTo(cleanup, `${endpoint.host}:${endpoint.port}`)).rejects.toThrow(/ECONNREFUSED/);
    expect(
      embedded
        .liveProcesses()
        .map((p) => p.label)
        .sort(),
    ).toEqual(['payments', 'shop 1.4.2']);
  });
});
