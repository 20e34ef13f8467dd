import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { builtinTrafficConfig } from '../../../harness/scenario/schema/traffic.js';
import {
  createBuiltinTraffic,
  DRAIN_GRACE_MS,
  type BuiltinTrafficGenerator,
} from '../../../harness/traffic/builtin.js';
import type { RequestOutcome, SliSample } from '../../../harness/traffic/sli.js';
import { createFakeTransport, type FakeResponse } from './fake-transport.js';

const BASE_URL = new URL('http://127.0.0.1:9/shop/');

interface Harness {
  readonly clock: FakeClock;
  readonly generator: BuiltinTrafficGenerator;
  readonly outcomes: RequestOutcome[];
  readonly samples: SliSample[];
  readonly logs: string[];
  readonly abort: AbortController;
  readonly fake: ReturnType<typeof createFakeTransport>;
  start(): Promise<void>;
}

let running: Harness[] = [];

afterEach(async () => {
  // Stop anything a failed test left running, advancing time so drains can finish.
  for (const harness of running) {
    const stopping = harness.generator.stop();
    await harness.clock.advance(10_000);
    await stopping;
  }
  running = [];
});

function setUp(config: Record<string, unknown>, respond: (index: number) => FakeResponse): Harness {
  const clock = new FakeClock(5_000);
  const fake = createFakeTransport(clock, respond);
  const generator = createBuiltinTraffic(builtinTrafficConfig.parse({ type: 'builtin', ...config }), {
    createTransport: fake.factory,
  });
  const outcomes: RequestOutcome[] = [];
  const samples: SliSample[] = [];
  const logs: string[] = [];
  const abort = new AbortController();
  const ctx: AdapterContext = { clock, signal: abort.signal, log: (message) => logs.push(message) };
  const harness: Harness = {
    clock,
    generator,
    outcomes,
    samples,
    logs,
    abort,
    fake,
    start: () =>
      generator.start(
        BASE_URL,
        { outcome: (outcome) => outcomes.push(outcome), sample: (sample) => samples.push(sample) },
        ctx,
      ),
  };
  running.push(harness);
  return harness;
}

async function stopAfter(harness: Harness, advanceMs: number): Promise<void> {
  const stopping = harness.generator.stop();
  await harness.clock.advance(advanceMs);
  await stopping;
}

const ok = (delayMs: number): FakeResponse => ({ delayMs, status: 200 });

describe('createBuiltinTraffic', () => {
  it('sends at the arrival rate, measures latency from the scheduled time and emits one sample a second', async () => {
    const h = setUp({ rate: 50 }, () => ok(5));
    await h.start();
    await h.clock.advance(1_999);
    expect(h.fake.sentAtMs).toEqual(Array.from({ length: 100 }, (_, i) => 5_000 + i * 20));
    expect(h.samples.map((s) => [s.startMs, s.requests])).toEqual([[5_000, 50]]);
    await stopAfter(h, 10);
    expect(h.outcomes).toHaveLength(100);
    expect(h.outcomes.every((o) => o.latencyMs === 5 && o.status === 200 && !o.errorClass)).toBe(true);
    expect(h.samples.map((s) => [s.startMs, s.durationMs, s.requests])).toEqual([
      [5_000, 1_000, 50],
      [6_000, 999, 50], // partial: stopped at 6 999 ms with nothing in flight
    ]);
    expect(h.samples[0]?.latencyMs?.p99).toBeCloseTo(5, 1);
    expect(h.generator.stats()).toMatchObject({
      scheduled: 100,
      sent: 100,
      dropped: 0,
      completed: 100,
      inFlight: 0,
    });
    expect(h.generator.stats().sendLagMs?.max).toBeLessThan(0.01);
    expect(h.fake.settings).toEqual({ connections: 512, timeoutMs: 2_000 });
    expect(h.fake.closedWithForce).toBe(false);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('keeps sending while the server stalls, so the stall shows as latency (no coordinated omission)', async () => {
    const h = setUp({ rate: 100, timeout: '5s' }, () => ok(1_000));
    await h.start();
    await h.clock.advance(999);
    expect(h.fake.sent).toHaveLength(100);
    expect(h.outcomes).toHaveLength(0);
    await h.clock.advance(1_001);
    expect(h.samples[0]?.requests).toBe(0);
    expect(h.samples[1]?.requests).toBe(100);
    expect(h.samples[1]?.latencyMs?.p50).toBeCloseTo(1_000, -1);
    await stopAfter(h, 1_000);
  });

  it('drops and counts requests due while maxInFlight are outstanding', async () => {
    const h = setUp({ rate: 100, maxInFlight: 5, timeout: '5s' }, () => ok(2_000));
    await h.start();
    await h.clock.advance(1_000);
    expect(h.fake.sent).toHaveLength(5);
    expect(h.samples[0]).toMatchObject({ requests: 0, dropped: 95 });
    await stopAfter(h, 2_000);
    const totals = h.samples.reduce((sum, s) => sum + s.dropped, 0);
    expect(totals).toBe(h.generator.stats().dropped);
    expect(h.generator.stats().scheduled).toBe(h.generator.stats().sent + h.generator.stats().dropped);
  });

  it('times a request out after config.timeout', async () => {
    const h = setUp({ rate: 1, timeout: '100ms' }, () => 'hang');
    await h.start();
    await h.clock.advance(150);
    expect(h.outcomes).toEqual([
      {
        scheduledAtMs: 5_000,
        completedAtMs: 5_100,
        latencyMs: 100,
        errorClass: 'timeout',
        endpoint: 'GET /',
      },
    ]);
    await stopAfter(h, 0);
    expect(h.samples.at(-1)).toMatchObject({ requests: 1, errors: 1, errorsByClass: { timeout: 1 } });
  });

  it('keeps one deadline timer however many requests are outstanding', async () => {
    const h = setUp({ rate: 100, timeout: '5s' }, () => 'hang');
    await h.start();
    await h.clock.advance(999);
    expect(h.generator.stats().inFlight).toBe(100);
    // The arrival loop's timer and the deadline timer; not one timer per request.
    expect(h.clock.pendingTimers()).toBe(2);
    await stopAfter(h, 6_000);
    expect(h.outcomes).toHaveLength(100);
  });

  it("times out each hanging request at its own deadline while others' responses complete", async () => {
    const h = setUp({ rate: 100, timeout: '100ms' }, (i) => (i % 2 === 0 ? ok(10) : 'hang'));
    await h.start();
    await h.clock.advance(300);
    const byIndex = [...h.outcomes].sort((a, b) => a.scheduledAtMs - b.scheduledAtMs);
    // Requests 0..19 were sent by 5 190 ms and have ended by 5 300 ms.
    expect(
      byIndex.slice(0, 20).map((o) => [o.scheduledAtMs - 5_000, o.latencyMs, o.errorClass ?? o.status]),
    ).toEqual(
      Array.from({ length: 20 }, (_, i) => [i * 10, i % 2 === 0 ? 10 : 100, i % 2 === 0 ? 200 : 'timeout']),
    );
    await stopAfter(h, 200);
    expect(h.outcomes.filter((o) => o.errorClass === 'timeout').every((o) => o.latencyMs === 100)).toBe(true);
  });

  it('a client that never lets go of a timed-out request keeps its slot, and it is recorded once', async () => {
    const h = setUp({ rate: 10, timeout: '100ms', maxInFlight: 2 }, (i) => (i < 2 ? 'ignore-abort' : ok(1)));
    await h.start();
    await h.clock.advance(999);
    // Both timed out but the client still holds them: they count against maxInFlight.
    expect(h.generator.stats()).toMatchObject({ sent: 2, inFlight: 2, dropped: 8, completed: 0 });
    expect(h.outcomes).toEqual([]);
    await stopAfter(h, 2_000);
    expect(h.outcomes).toEqual([]);
    expect(h.fake.closedWithForce).toBe(true);
  });

  it('while draining, outstanding requests still time out at their deadlines and are recorded', async () => {
    const h = setUp({ rate: 10, timeout: '300ms' }, () => 'hang');
    await h.start();
    await h.clock.advance(250);
    let stopped = false;
    const stopping = h.generator.stop().then(() => (stopped = true));
    // Sent at 5 000, 5 100 and 5 200 ms: they time out at 5 300, 5 400 and 5 500 ms.
    await h.clock.advance(249);
    expect(stopped).toBe(false);
    await h.clock.advance(1);
    await stopping;
    expect(h.outcomes.map((o) => [o.completedAtMs, o.errorClass])).toEqual([
      [5_300, 'timeout'],
      [5_400, 'timeout'],
      [5_500, 'timeout'],
    ]);
    expect(h.fake.closedWithForce).toBe(false);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('classifies 5xx and connection errors, and does not count 4xx', async () => {
    const responses: FakeResponse[] = [
      { delayMs: 1, status: 503 },
      { delayMs: 1, status: 404 },
      { delayMs: 1, error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) },
      { delayMs: 1, error: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) },
      { delayMs: 1, error: new Error('something odd') },
    ];
    const h = setUp({ rate: 10 }, (i) => responses[i] ?? ok(1));
    await h.start();
    await h.clock.advance(450);
    expect(h.outcomes.map((o) => o.errorClass ?? o.status)).toEqual([
      'http_5xx',
      404,
      'connection_refused',
      'connection_reset',
      'other',
    ]);
    await stopAfter(h, 10);
    expect(h.samples[0]?.errorsByClass).toEqual({
      http_5xx: 1,
      connection_refused: 1,
      connection_reset: 1,
      other: 1,
    });
    expect(h.samples[0]?.errors).toBe(4);
  });

  it('stop waits for in-flight requests, emits the partial last sample, closes the client, and is idempotent', async () => {
    const h = setUp({ rate: 10 }, () => ok(300));
    await h.start();
    await h.clock.advance(1_500);
    const first = h.generator.stop();
    const second = h.generator.stop();
    expect(second).toBe(first);
    await h.clock.advance(299);
    expect(h.fake.closedWithForce).toBeUndefined();
    await h.clock.advance(1);
    await first;
    expect(h.fake.sent).toHaveLength(16);
    expect(h.outcomes).toHaveLength(16);
    // The last sample is partial: 6 000–6 800 ms (stopped at 6 500, drained by 6 800).
    expect(h.samples.map((s) => [s.startMs, s.durationMs, s.requests])).toEqual([
      [5_000, 1_000, 7],
      [6_000, 800, 9],
    ]);
    expect(h.fake.closedWithForce).toBe(false);
    expect(h.clock.pendingTimers()).toBe(0);
    await h.generator.stop();
  });

  it('stop gives up on requests the client never finishes after timeout plus grace', async () => {
    const h = setUp({ rate: 1, timeout: '100ms' }, () => 'ignore-abort');
    await h.start();
    let stopped = false;
    const stopping = h.generator.stop().then(() => (stopped = true));
    await h.clock.advance(100 + DRAIN_GRACE_MS - 1);
    expect(stopped).toBe(false);
    await h.clock.advance(1);
    await stopping;
    expect(h.fake.closedWithForce).toBe(true);
    expect(h.outcomes).toHaveLength(0);
    expect(h.logs.some((line) => /cut off/.test(line))).toBe(true);
  });

  it('stops at once when the drill is aborted, without recording the requests it cut off', async () => {
    const h = setUp({ rate: 10 }, () => ok(5_000));
    await h.start();
    await h.clock.advance(250);
    h.abort.abort();
    await h.clock.advance(0);
    expect(h.fake.closedWithForce).toBe(true);
    expect(h.outcomes).toHaveLength(0);
    expect(h.samples).toEqual([expect.objectContaining({ startMs: 5_000, durationMs: 250, requests: 0 })]);
    await h.generator.stop();
    const sentAtAbort = h.fake.sent.length;
    await h.clock.advance(2_000);
    expect(h.fake.sent).toHaveLength(sentAtAbort);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('cuts a drain in progress short when the drill is aborted', async () => {
    const h = setUp({ rate: 10, timeout: '2s' }, () => 'hang');
    await h.start();
    await h.clock.advance(150);
    let stopped = false;
    const stopping = h.generator.stop().then(() => (stopped = true));
    await h.clock.advance(100);
    expect(stopped).toBe(false);
    h.abort.abort();
    await h.clock.advance(0);
    await stopping;
    expect(h.outcomes).toHaveLength(0);
    expect(h.fake.closedWithForce).toBe(true);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('refuses to start twice or with an aborted signal; stop before start is fine', async () => {
    const h = setUp({ rate: 1 }, () => ok(1));
    await h.start();
    await expect(h.start()).rejects.toThrow(/cannot start/);
    const idle = setUp({ rate: 1 }, () => ok(1));
    await idle.generator.stop();
    await expect(idle.start()).rejects.toThrow(/cannot start/);
    const aborted = setUp({ rate: 1 }, () => ok(1));
    aborted.abort.abort(new Error('interrupted'));
    await expect(aborted.start()).rejects.toThrow('interrupted');
  });

  it('keeps running when a listener throws, and says so once', async () => {
    const h = setUp({ rate: 10 }, () => ok(1));
    const clock = h.clock;
    const logs: string[] = [];
    await h.generator.start(
      BASE_URL,
      {
        outcome: () => {
          throw new Error('observer bug');
        },
      },
      { clock, signal: new AbortController().signal, log: (line) => logs.push(line) },
    );
    await clock.advance(1_000);
    expect(h.generator.stats().completed).toBe(10);
    expect(logs.filter((line) => line.includes('observer bug'))).toHaveLength(1);
  });

  it('picks requests from the seeded mix and describes its settings', async () => {
    const config = {
      rate: 100,
      seed: 3,
      requests: [
        { path: '/a', weight: 3 },
        { method: 'POST', path: '/b', body: { x: 1 } },
      ],
    };
    const first = setUp(config, () => ok(1));
    const second = setUp(config, () => ok(1));
    await first.start();
    await second.start();
    await first.clock.advance(500);
    await second.clock.advance(500);
    const endpoints = first.fake.sent.map((r) => r.endpoint);
    expect(second.fake.sent.map((r) => r.endpoint)).toEqual(endpoints);
    expect(new Set(endpoints)).toEqual(new Set(['GET /a', 'POST /b']));
    expect(first.generator.describe()).toEqual({
      type: 'builtin',
      model: 'open (constant arrival rate)',
      ratePerSecond: 100,
      timeoutMs: 2_000,
      maxInFlight: 512,
      seed: 3,
      requests: [
        { method: 'GET', path: '/a', weight: 3 },
        { method: 'POST', path: '/b', weight: 1 },
      ],
    });
    expect(first.fake.baseUrl?.href).toBe(BASE_URL.href);
  });
});
