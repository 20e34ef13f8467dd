/**
 * A toxic fault that fronts a dependency of the target and arrives with a release: the proxy and its
 * toxic are in place before the candidate serves, the candidate is deployed with the dependency routed
 * through the proxy, the fault starts when it serves, and clear() rolls back (when still needed) and
 * removes exactly what the drill created. Against a shared server (inspected over its API), a fake
 * target, and the real embedded demo shop.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterContext, ObservationResolution } from '../../../harness/core/adapter-context.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { UserError } from '../../../harness/core/errors.js';
import { createFault } from '../../../harness/faults/registry.js';
import { createToxicFault } from '../../../harness/faults/toxic.js';
import { toxicFaultConfig, type ToxicFaultConfig } from '../../../harness/scenario/schema/faults.js';
import type {
  DeployOptions,
  RollbackConfirmation,
  Target,
  TargetHealth,
} from '../../../harness/targets/port.js';
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

const clock = new SystemClock();
let cleanup: Cleanup;
let upstream: TcpServer;
let shared: ToxiproxyServer;

function context(): AdapterContext {
  return { clock, signal: new AbortController().signal, log: () => undefined };
}

function config(extra: Record<string, unknown> = {}): ToxicFaultConfig {
  return toxicFaultConfig.parse({
    type: 'toxic',
    dependency: 'payments',
    release: { version: '2.0.0-mesh' },
    proxy: { name: 'payments' },
    toxic: { type: 'latency', attributes: { latency: 120 } },
    toxiproxy: { url: shared.url },
    ...extra,
  });
}

const DEPLOY_OBSERVATION: ObservationResolution = { method: 'fake switch', resolutionSeconds: 0.002 };

/** A target that knows one dependency (`payments` → the echo server) and records what it was asked. */
class FakeTarget implements Target {
  readonly kind = 'fake';
  readonly stableVersion = '1.0.0';
  serving = '1.0.0';
  readonly deploys: { version: string; options: DeployOptions | undefined }[] = [];
  rollbacks = 0;
  failRollback = false;
  servingAtMs = 0;
  onDeploy: (options: DeployOptions | undefined) => Promise<void> = async () => undefined;

  constructor(private readonly payments: URL) {}

  dependencyAddress(name: string): URL | undefined {
    return name === 'payments' ? this.payments : undefined;
  }

  prepare(): Promise<{ readonly baseUrl: URL }> {
    return Promise.resolve({ baseUrl: new URL('http://127.0.0.1:9') });
  }

  async deploy(
    version: string,
    _ctx: AdapterContext,
    options?: DeployOptions,
  ): Promise<{ servingAtMs: number; observation: ObservationResolution }> {
    this.deploys.push({ version, options });
    await this.onDeploy(options);
    this.serving = version;
    this.servingAtMs = clock.now();
    return { servingAtMs: this.servingAtMs, observation: DEPLOY_OBSERVATION };
  }

  rollback(): Promise<RollbackConfirmation> {
    this.rollbacks++;
    if (this.failRollback) return Promise.reject(new Error('the pipeline is down'));
    this.serving = this.stableVersion;
    return Promise.resolve({
      completedAtMs: clock.now(),
      version: this.serving,
      observation: DEPLOY_OBSERVATION,
    });
  }

  currentVersion(): Promise<string | undefined> {
    return Promise.resolve(this.serving);
  }

  health(): Promise<TargetHealth> {
    return Promise.resolve({ healthy: true, version: this.serving });
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

async function proxies(): Promise<Record<string, { upstream: string; toxics: { name: string }[] }>> {
  return (await api(shared.url, 'GET', '/proxies')).json as Record<
    string,
    { upstream: string; toxics: { name: string }[] }
  >;
}

let target: FakeTarget;

beforeEach(async () => {
  cleanup = new Cleanup();
  upstream = await startEchoServer(cleanup);
  shared = await startToxiproxy(cleanup);
  target = new FakeTarget(new URL(`http://${upstream.address}`));
});
afterEach(() => cleanup.run());

describe('a toxic that arrives with a release (fake target, shared server)', () => {
  it('puts the toxic in place, then deploys the candidate through the proxy; clear rolls back and removes both', async () => {
    const fault = createFault(config(), { target });
    cleanup.add(() => fault.clear(context()));
    expect(fault.remediatedByRollback).toBe(true);
    let roundTripThroughRoute = 0;
    let upstreamAtDeploy: string | undefined;
    target.onDeploy = async (options) => {
      upstreamAtDeploy = (await proxies())['payments']?.upstream;
      const route = options?.dependencies?.['payments'];
      if (!route) throw new Error('deployed without a payments route');
      const client = await connectTo(cleanup, route.host);
      roundTripThroughRoute = await roundTripMs(client);
      client.destroy();
    };

    const injection = await fault.inject(context());
    expect(target.deploys).toHaveLength(1);
    expect(target.deploys[0]?.version).toBe('2.0.0-mesh');
    expect(Object.keys(target.deploys[0]?.options?.dependencies ?? {})).toEqual(['payments']);
    expect(upstreamAtDeploy).toBe(upstream.address);
    // The candidate's first call already met the toxic.
    expect(roundTripThroughRoute).toBeGreaterThanOrEqual(118);
    expect(injection.effectiveAtMs).toBe(target.servingAtMs);
    expect(injection.observation).toEqual({
      method: 'toxic in place before the deploy; fake switch',
      resolutionSeconds: 0.002,
    });
    expect(fault.describe()).toMatchObject({
      kind: 'toxic',
      summary:
        'deploy 2.0.0-mesh, which routes payments through proxy payments: latency +120ms on payments (downstream)',
      details: {
        dependency: 'payments',
        release: { version: '2.0.0-mesh', stableVersion: '1.0.0', target: 'fake' },
        toxic: { name: 'rollback-drill-latency-downstream' },
      },
    });

    await fault.clear(context());
    expect(target.rollbacks).toBe(1);
    expect(target.serving).toBe('1.0.0');
    expect(await proxies()).toEqual({});
    // The record is described after cleanup: it still says where the proxy listened and forwarded.
    expect(fault.describe().details['proxy']).toEqual({
      name: 'payments',
      listen: expect.stringMatching(/^127\.0\.0\.1:[1-9]\d*$/) as unknown,
      upstream: upstream.address,
    });
    await fault.clear(context()); // idempotent: nothing left to roll back or remove
    expect(target.rollbacks).toBe(1);
  });

  it('after the drill rolled back, clear only removes the toxic and proxy, and leaves what it did not create', async () => {
    await api(shared.url, 'POST', '/proxies', {
      name: 'theirs',
      listen: '127.0.0.1:0',
      upstream: upstream.address,
    });
    await api(shared.url, 'POST', '/proxies/theirs/toxics', { name: 'kept', type: 'noop' });
    const fault = createToxicFault(config(), { target });
    await fault.inject(context());
    expect(Object.keys(await proxies()).sort()).toEqual(['payments', 'theirs']);
    await target.rollback();
    await fault.clear(context());
    expect(target.rollbacks).toBe(1);
    expect(await proxies()).toEqual({
      theirs: expect.objectContaining({ toxics: [expect.objectContaining({ name: 'kept' })] }),
    });
  });

  it('a rollback that fails in clear still removes the toxic and proxy, and says so', async () => {
    const fault = createToxicFault(config(), { target });
    await fault.inject(context());
    target.failRollback = true;
    await expect(fault.clear(context())).rejects.toThrow('rolling back 2.0.0-mesh: the pipeline is down');
    expect(await proxies()).toEqual({});
    target.failRollback = false;
    await fault.clear(context()); // the rollback is still owed, and now succeeds
    expect(target.serving).toBe('1.0.0');
  });

  it('a release for a dependency the target cannot route is refused before anything is created', async () => {
    // Even with an explicit upstream: the candidate would deploy without the fault.
    const fault = createToxicFault(
      config({ dependency: 'ledger', proxy: { name: 'payments', upstream: upstream.address } }),
      { target },
    );
    const error = await fault.inject(context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      'the fake target knows no dependency named ledger, so it cannot route it through the proxy when it ' +
        'deploys 2.0.0-mesh. Drop fault.release and point the service at proxy.listen yourself, or use a ' +
        'target that can route ledger.',
    );
    expect(target.deploys).toEqual([]);
    await fault.clear(context());
    expect(target.rollbacks).toBe(0);
    expect(await proxies()).toEqual({});
  });

  it('a dependency the target does not know, and no upstream, is a clear error; nothing is created', async () => {
    const plain = config({ dependency: 'ledger' });
    delete (plain as { release?: unknown }).release;
    const fault = createToxicFault(plain, { target });
    const error = await fault.inject(context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      'fault.dependency is ledger, but the fake target does not say where a dependency of that name listens; ' +
        'set fault.proxy.upstream to its host:port',
    );
    await fault.clear(context());
    expect(await proxies()).toEqual({});
  });

  it('without a release: the upstream comes from the target, the toxic alone is the fault, no deploy', async () => {
    const plain = config();
    delete (plain as { release?: unknown }).release;
    const fault = createToxicFault(plain, { target });
    expect(fault.remediatedByRollback).toBe(false);
    const before = clock.now();
    const injection = await fault.inject(context());
    expect(injection.effectiveAtMs).toBeGreaterThanOrEqual(before);
    expect(injection.observation.method).toBe('toxic accepted by the proxy API');
    expect(target.deploys).toEqual([]);
    expect((await proxies())['payments']?.upstream).toBe(upstream.address);
    await fault.clear(context());
    expect(target.rollbacks).toBe(0);
    expect(await proxies()).toEqual({});
  });

  it('refuses to build a release-carried toxic without a target', () => {
    expect(() => createToxicFault(config())).toThrow(/needs the target/);
  });
});
