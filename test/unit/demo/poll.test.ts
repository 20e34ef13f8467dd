import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { pollUntil } from '../../../harness/targets/embedded-probe.js';

describe('pollUntil', () => {
  it('checks every interval, start to start, and reports when the check first passed', async () => {
    const clock = new FakeClock(1_000);
    const checkedAt: number[] = [];
    const result = pollUntil(
      async () => {
        checkedAt.push(clock.now());
        return checkedAt.length === 4 ? 'up' : undefined;
      },
      { clock, intervalMs: 100, signal: new AbortController().signal, waitingFor: 'the stable version' },
    );
    await clock.advance(250);
    expect(checkedAt).toEqual([1_000, 1_100, 1_200]);
    await clock.advance(100);
    await expect(result).resolves.toEqual({ value: 'up', observedAtMs: 1_300 });
    expect(checkedAt).toEqual([1_000, 1_100, 1_200, 1_300]);
  });

  it('keeps the cadence when a check itself takes time', async () => {
    const clock = new FakeClock();
    const checkedAt: number[] = [];
    const result = pollUntil(
      async () => {
        checkedAt.push(clock.now());
        await clock.sleep(30);
        return checkedAt.length === 3 ? true : undefined;
      },
      { clock, intervalMs: 100, signal: new AbortController().signal, waitingFor: 'x' },
    );
    await clock.advance(300);
    await expect(result).resolves.toEqual({ value: true, observedAtMs: 230 });
    expect(checkedAt).toEqual([0, 100, 200]);
  });

  it('does not burst to catch up after a check slower than the interval', async () => {
    const clock = new FakeClock();
    const checkedAt: number[] = [];
    const result = pollUntil(
      async () => {
        checkedAt.push(clock.now());
        if (checkedAt.length === 1) await clock.sleep(350);
        return checkedAt.length === 3 ? true : undefined;
      },
      { clock, intervalMs: 100, signal: new AbortController().signal, waitingFor: 'x' },
    );
    await clock.advance(1_000);
    await result;
    expect(checkedAt).toEqual([0, 350, 450]);
  });

  it('stops with an AbortError when the drill is aborted', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let checks = 0;
    const result = pollUntil(
      async () => {
        checks++;
        return undefined;
      },
      { clock, intervalMs: 100, signal: controller.signal, waitingFor: 'x' },
    );
    const settled = expect(result).rejects.toMatchObject({ name: 'AbortError' });
    await clock.advance(150);
    controller.abort();
    await settled;
    await clock.advance(1_000);
    expect(checks).toBe(2);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('gives up after its timeout, saying what it last saw', async () => {
    const clock = new FakeClock();
    const result = pollUntil(async () => undefined, {
      clock,
      intervalMs: 100,
      timeoutMs: 500,
      signal: new AbortController().signal,
      waitingFor: '1.4.2 to answer /healthz',
      lastMiss: () => '502 backend unreachable',
    });
    const settled = expect(result).rejects.toThrow(
      'gave up waiting for 1.4.2 to answer /healthz after 500 ms (last seen: 502 backend unreachable)',
    );
    await clock.advance(600);
    await settled;
  });
});
