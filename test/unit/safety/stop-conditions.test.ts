/**
 * Stop conditions on a scripted system (FakeClock): each one stops the drill at the exact moment its
 * rule says, the cleanup stack then clears the fault and restores the stable version, and the record
 * says aborted with the condition's reason.
 */
import { describe, expect, it } from 'vitest';
import { memoryIntentStore } from '../../../harness/runner/intents-journal.js';
import type { AbortRequest } from '../../../harness/runner/stop-conditions-abort-request.js';
import { BlastRadiusGuard, breachOf } from '../../../harness/runner/stop-conditions-blast-radius.js';
import { interpretPrometheusAnswer } from '../../../harness/runner/stop-conditions-prometheus.js';
import type { StopCondition } from '../../../harness/runner/stop-conditions.js';
import type { Scenario } from '../../../harness/scenario/model.js';
import type { SliSample } from '../../../harness/traffic/sli.js';
import { BAD, drive, scenarioFixture } from './drive.js';

function withAbort(abort: Partial<Scenario['abort']>): Scenario {
  const scenario = scenarioFixture();
  return { ...scenario, abort: { ...scenario.abort, ...abort } };
}

function sample(startMs: number, requests: number, errors: number): SliSample {
  return {
    startMs,
    durationMs: 1000,
    requests,
    errors,
    dropped: 0,
    errorsByClass: {},
    latencyMs: null,
    latencyHistogram: null,
  };
}

const abortedAt = (record: { timeline: { type: string; offsetSeconds: number }[] }): number | undefined =>
  record.timeline.find((e) => e.type === 'run.aborted')?.offsetSeconds;

describe('blast-radius guard (pure)', () => {
  const limits = { errorRatio: 0.2, sustain: 3000 };

  it('fires once a breach has lasted the sustain time, not before', () => {
    const guard = new BlastRadiusGuard(limits);
    expect(guard.observe(sample(0, 100, 30))).toBeNull();
    expect(guard.observe(sample(1000, 100, 30))).toBeNull();
    const fired = guard.observe(sample(2000, 100, 50));
    expect(fired?.condition).toBe('blastRadius');
    expect(fired?.reason).toBe(
      'blast radius exceeded: error ratio 50.0% > 20.0% for 3s (abort.blastRadius allows 3s)',
    );
    expect(fired?.data).toMatchObject({ sustainedMs: 3000, samples: 3, worstErrorRatio: 0.5 });
  });

  it('a second within the limit ends the streak; a second without requests neither ends nor starts one', () => {
    const guard = new BlastRadiusGuard(limits);
    guard.observe(sample(0, 100, 30));
    guard.observe(sample(1000, 100, 30));
    expect(guard.observe(sample(2000, 100, 5))).toBeNull(); // within: streak over
    expect(guard.observe(sample(3000, 100, 30))).toBeNull();
    expect(guard.observe(sample(4000, 0, 0))).toBeNull(); // no evidence
    expect(guard.observe(sample(5000, 100, 30))?.data).toMatchObject({ sustainedMs: 3000, samples: 2 });
  });

  it('judges an error ratio exactly at the limit as within it', () => {
    expect(breachOf(sample(0, 100, 20), limits)).toBeNull();
    expect(breachOf(sample(0, 100, 21), limits)?.exceeded).toEqual(['error ratio 21.0% > 20.0%']);
  });
});

describe('stop conditions in a drill', () => {
  it('blast radius: aborts 3 s into a 30% error ratio (limit 20%), clears the fault and restores stable', async () => {
    const { record, world } = await drive(
      { errorRatioByVersion: BAD, detector: 'never' },
      withAbort({ blastRadius: { errorRatio: 0.2, sustain: 3000 } }),
    );
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe(
      'blast radius exceeded: error ratio 30.0% > 20.0% for 3s (abort.blastRadius allows 3s)',
    );
    // fault in effect at 10 s; the third bad 1 s sample ends at 13 s
    expect(abortedAt(record)).toBe(13);
    expect(record.timeline.find((e) => e.type === 'run.aborted')?.data).toMatchObject({
      stopCondition: 'blastRadius',
      sustainedMs: 3000,
    });
    expect(world.version()).toBe('stable');
    expect(world.disposed).toBe(true);
    const steps = record.timeline.filter((e) => e.type === 'cleanup.step').map((e) => e.message);
    expect(steps[0]).toBe('clear the fault: done'); // the fault goes first, at once
    expect(record.timeline.filter((e) => e.type === 'cleanup.failed')).toEqual([]);
  });

  it('blast radius on latency: p99 of 900 ms against a 500 ms limit for 2 s', async () => {
    const { record } = await drive(
      {
        errorRatioByVersion: { stable: 0, candidate: 0 },
        latencyMsByVersion: { stable: 5, candidate: 900 },
        detector: 'never',
      },
      withAbort({ blastRadius: { latency: { percentile: 99, threshold: 500 }, sustain: 2000 } }),
    );
    expect(record.result).toBe('aborted');
    expect(record.reason).toMatch(/^blast radius exceeded: p99 latency 900\.\d+ms > 500ms for 2s/);
    expect(abortedAt(record)).toBe(12);
  });

  it('blast radius within its limit never interferes: the drill passes', async () => {
    const { record } = await drive(
      { errorRatioByVersion: BAD, rollbackTakesMs: 3_000 },
      withAbort({ blastRadius: { errorRatio: 0.5, sustain: 1000 } }),
    );
    expect(record.result, record.reason).toBe('passed');
  });

  it('prometheus: stops at the first evaluation that returns a series', async () => {
    const queries: string[] = [];
    const { record, world } = await drive(
      { errorRatioByVersion: BAD, detector: 'never' },
      withAbort({
        prometheus: { url: 'http://prom.invalid:9090', query: 'ALERTS{severity="page"}', interval: 5000 },
      }),
      {},
      (clock) => ({
        stopConditions: {
          prometheusQuery: async (_url, promql) => {
            queries.push(`${clock.now()} ${promql}`);
            return {
              status: 'success',
              data: {
                resultType: 'vector',
                result:
                  clock.now() >= 15_000 ? [{ metric: { alertname: 'CheckoutDown' }, value: [1, '1'] }] : [],
              },
            };
          },
        },
      }),
    );
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe(
      'stop condition met: Prometheus query "ALERTS{severity=\\"page\\"}" returned 1 series, first {alertname="CheckoutDown"} = 1',
    );
    expect(abortedAt(record)).toBe(15);
    expect(queries.slice(0, 4)).toEqual([0, 5000, 10000, 15000].map((t) => `${t} ALERTS{severity="page"}`));
    expect(world.version()).toBe('stable');
  });

  it('prometheus that cannot be reached is reported once and does not stop the drill', async () => {
    const { record, logs } = await drive(
      { errorRatioByVersion: BAD, rollbackTakesMs: 1_000 },
      withAbort({ prometheus: { url: 'http://prom.invalid:9090', query: 'up == 0', interval: 1000 } }),
      { stopConditions: { prometheusQuery: () => Promise.reject(new Error('connect ECONNREFUSED')) } },
    );
    expect(record.result, record.reason).toBe('passed');
    const complaints = logs.filter((l) => l.includes('could not be evaluated'));
    expect(complaints).toEqual([
      'prometheus stop condition could not be evaluated (the drill goes on): connect ECONNREFUSED',
    ]);
  });

  it('a manual abort request stops the drill within one 500 ms poll and names who asked', async () => {
    const request: AbortRequest = {
      apiVersion: 'rollback-drill/abort-request/v1',
      reason: 'real incident on checkout',
      requestedBy: 'alice@ops',
      requestedAt: '2026-11-22T06:00:12.200Z',
    };
    const { record, world } = await drive(
      { errorRatioByVersion: BAD, detector: 'never' },
      scenarioFixture(),
      { runFolder: '/nonexistent/run-1', intents: memoryIntentStore() },
      (clock) => ({
        stopConditions: { readAbortRequest: async () => (clock.now() >= 12_200 ? request : null) },
      }),
    );
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe('aborted by alice@ops: real incident on checkout');
    expect(abortedAt(record)).toBe(12.5); // written at 12.2 s, seen at the next poll
    expect(world.version()).toBe('stable');
  });

  it('an abort request file that cannot be read still stops the drill', async () => {
    const { record } = await drive(
      { errorRatioByVersion: BAD, detector: 'never' },
      scenarioFixture(),
      { runFolder: '/nonexistent/run-1', intents: memoryIntentStore() },
      (clock) => ({
        stopConditions: { readAbortRequest: async () => (clock.now() >= 3_000 ? 'unreadable' : null) },
      }),
    );
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe('abort requested (abort-request.json appeared in the run folder)');
  });
});

describe('reading Prometheus answers', () => {
  const ok = (data: unknown): unknown => ({ status: 'success', data });

  it.each([
    [ok({ resultType: 'vector', result: [] }), false, 'no series'],
    [
      ok({ resultType: 'vector', result: [{ metric: { job: 'shop' }, value: [1, '14'] }] }),
      true,
      '1 series, first {job="shop"} = 14',
    ],
    [ok({ resultType: 'matrix', result: [{ metric: {}, values: [] }] }), true, '1 series, first {} = …'],
    [ok({ resultType: 'scalar', result: [1, '0'] }), false, 'scalar 0'],
    [ok({ resultType: 'scalar', result: [1, '2.5'] }), true, 'scalar 2.5'],
    [ok({ resultType: 'scalar', result: [1, 'NaN'] }), false, 'scalar NaN'],
    [ok({ resultType: 'string', result: [1, 'x'] }), true, 'string "x"'],
  ])('%j → fires %s (%s)', (answer, fires, summary) => {
    expect(interpretPrometheusAnswer(answer)).toEqual({ fires, summary });
  });

  it.each([
    [
      { status: 'error', error: 'parse error at char 3' },
      'Prometheus answered with an error: parse error at char 3',
    ],
    ['<html>', 'the answer is not a JSON object'],
    [{ status: 'success' }, 'the answer has no data'],
    [{ status: 'success', data: { resultType: 'histogram' } }, 'unknown resultType "histogram"'],
    [{ status: 'success', data: { resultType: 'vector', result: 'x' } }, 'the vector result is not a list'],
  ])('%j is an error: %s', (answer, message) => {
    expect(() => interpretPrometheusAnswer(answer)).toThrow(message);
  });
});

describe('a broken stop condition', () => {
  it('is reported and skipped; the drill and the other conditions go on', async () => {
    const broken: StopCondition = {
      name: 'broken',
      start: () => {
        throw new Error('no such metric backend');
      },
    };
    const { watchStopConditions } = await import('../../../harness/runner/stop-conditions.js');
    const logs: string[] = [];
    const fired: string[] = [];
    const watch = watchStopConditions(
      [
        broken,
        { name: 'now', start: (ctx) => (ctx.fire({ condition: 'now', reason: 'at once' }), () => undefined) },
        {
          name: 'later',
          start: (ctx) => (ctx.fire({ condition: 'later', reason: 'second' }), () => undefined),
        },
      ],
      { clock: {} as never, subscribe: () => () => undefined, log: (l) => logs.push(l) },
      (stop) => fired.push(stop.reason),
    );
    expect(logs).toEqual(['stop condition broken could not start: no such metric backend']);
    expect(fired).toEqual(['at once']); // only the first firing counts
    expect(watch.fired()?.condition).toBe('now');
    watch.stop();
    watch.stop(); // idempotent
  });
});
