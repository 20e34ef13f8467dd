import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { forkChildEntry } from '../../../harness/core/child-entry.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { DRAIN_MS } from '../../../harness/demo/child-main.js';
import { startPaymentsProcess, startShopProcess } from '../../../harness/demo/launch.js';
import { ManagedChild } from '../../../harness/demo/managed-child.js';
import { isAlive, killAll, waitUntilGone } from './process-helpers.js';

const clock = new SystemClock();
const started = new Set<number>();
afterEach(() => {
  killAll(started);
  started.clear();
});

function track<T extends { readonly pid?: number | undefined }>(child: T): T {
  if (child.pid !== undefined) started.add(child.pid);
  return child;
}

describe('demo child processes', () => {
  it('a shop version listens on loopback, reports its port over IPC and stops cleanly on SIGTERM', async () => {
    const shop = track(startShopProcess('1.4.1'));
    const outcome = await shop.waitForStart(clock, 20_000);
    expect(outcome.kind).toBe('listening');
    expect(shop.port).toBeGreaterThan(0);
    const response = await fetch(`http://127.0.0.1:${shop.port}/version`);
    expect(await response.json()).toEqual({ version: '1.4.1' });
    expect(response.headers.get('x-demo-version')).toBe('1.4.1');

    expect(await shop.stop(clock)).toEqual({ code: 0, signal: null });
    expect(shop.port).toBeUndefined();
    expect(isAlive(shop.pid)).toBe(false);
  });

  it('on SIGTERM a shop finishes requests in flight, then exits without waiting out the drain limit', async () => {
    const shop = track(startShopProcess('1.5.0-slow'));
    const outcome = await shop.waitForStart(clock, 20_000);
    if (outcome.kind !== 'listening') throw new Error(`shop did not listen: ${outcome.kind}`);
    const inFlight = fetch(`http://127.0.0.1:${outcome.port}/api/products`).then(async (response) => {
      await response.text();
      return response.status;
    });
    // Real I/O: let the request reach the shop (it then takes 250 ms to answer).
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopStarted = performance.now();
    expect(await shop.stop(clock)).toEqual({ code: 0, signal: null });
    const stopMs = performance.now() - stopStarted;
    expect(await inFlight).toBe(200);
    expect(stopMs).toBeLessThan(DRAIN_MS - 100);
  });

  it('the payments process charges', async () => {
    const payments = track(startPaymentsProcess());
    const outcome = await payments.waitForStart(clock, 20_000);
    if (outcome.kind !== 'listening') throw new Error(`payments did not listen: ${outcome.kind}`);
    const response = await fetch(`http://127.0.0.1:${outcome.port}/charge`, { method: 'POST', body: '{}' });
    expect(await response.json()).toEqual({ status: 'charged' });
    await payments.stop(clock);
  });

  it('1.5.0-crash exits with code 1 before it listens, and says why', async () => {
    const shop = track(startShopProcess('1.5.0-crash'));
    const outcome = await shop.waitForStart(clock, 20_000);
    expect(outcome).toEqual({ kind: 'exited', code: 1, signal: null });
    expect(shop.port).toBeUndefined();
    await shop.exited;
    expect(shop.recentOutput).toContain('simulated crash');
  });

  it('a child exits when its IPC channel to the parent closes', async () => {
    const child: ChildProcess = track(
      forkChildEntry(import.meta.url, '../../../harness/demo/shop-process.js', [], {
        env: { ...process.env, DEMO_VERSION: '1.4.2', PORT: '0' },
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      }),
    );
    const managed = new ManagedChild('shop 1.4.2', child);
    expect((await managed.waitForStart(clock, 20_000)).kind).toBe('listening');
    child.disconnect();
    expect(await managed.exited).toEqual({ code: 0, signal: null });
  });

  it('a shop does not outlive a parent killed with SIGKILL', async () => {
    const parent = track(
      forkChildEntry(import.meta.url, './fixtures/orphan-parent.js', [], {
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      }),
    );
    if (!parent.stdout) throw new Error('the parent fixture has no stdout pipe');
    const [line] = (await once(parent.stdout.setEncoding('utf8'), 'data')) as [string];
    const { shopPid, outcome } = JSON.parse(line) as { shopPid: number; outcome: { kind: string } };
    started.add(shopPid);
    expect(outcome.kind).toBe('listening');
    expect(isAlive(shopPid)).toBe(true);

    parent.kill('SIGKILL');
    await waitUntilGone(shopPid);
    expect(isAlive(shopPid)).toBe(false);
  });

  it('stop() escalates to SIGKILL when SIGTERM is ignored for the grace period (timed on the clock)', async () => {
    const child = track(
      forkChildEntry(import.meta.url, './fixtures/stubborn-child.js', [], {
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      }),
    );
    const managed = new ManagedChild('stubborn', child);
    expect((await managed.waitForStart(clock, 20_000)).kind).toBe('listening');
    const fakeClock = new FakeClock();
    const ignored = once(child, 'message');
    const stopped = managed.stop(fakeClock, 2_000);
    const [message] = (await ignored) as [unknown];
    expect(message).toEqual({ type: 'sigterm-ignored' });
    await fakeClock.advance(1_999);
    expect(managed.hasExited).toBe(false);
    await fakeClock.advance(1);
    expect(await stopped).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('refuses to start a version the catalogue does not know', () => {
    expect(() => startShopProcess('2.0.0')).toThrow(/unknown demo version 2.0.0; known: 1.4.1, 1.4.2/);
  });
});
