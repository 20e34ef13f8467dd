/**
 * The detection benchmark (`npm run bench:detect`): every detector of the lineup against simulated
 * regressions at 10, 100 and 1000 rps, and against the same traffic with no fault. Deterministic:
 * the seed fixes every stream. Each row compares the median delay with Lorden's bound
 * ln(ARL0)/KL — the least delay any detector with that false-alarm rate can have.
 */
import { bernoulliKl } from '../detectors/cusum.js';
import { BENCH_LINEUP, type BenchDetector } from './detect-lineup.js';
import { acceptanceChecks } from './detect-acceptance.js';
import { medianCi95, percentileOrNull, poissonUpper95 } from './detect-stats.js';
import { STREAM_CASES, type StreamCase } from './detect-streams.js';
import { runDelayTrial, runNoFault, type NoFaultOutcome, type TrialOutcome } from './detect-trials.js';

export interface DetectionBenchOptions {
  readonly seed?: number;
  /** Fault trials per case, rate and detector (the median and p95 are over these). */
  readonly trials?: number;
  readonly rates?: readonly number[];
  readonly caseIds?: readonly string[];
  /** A detector not firing within this long after the fault counts as not detected. */
  readonly capSeconds?: number;
  readonly baselineSeconds?: number;
  /** Requests simulated per no-fault stream (hours = requests / rate), within the hour limits below. */
  readonly noFaultRequests?: number;
  readonly noFaultMaxHours?: number;
  /** Cases with latency histograms cost ~1 ms per simulated second: a separate, smaller limit. */
  readonly noFaultMaxHoursWithHistograms?: number;
  /** Called after each (case, rate) so a long run can show progress. */
  readonly progress?: (message: string) => void;
}

export interface CaseSummary {
  readonly id: string;
  readonly title: string;
  readonly changedStream: string;
  readonly p0: number;
  readonly p1: number;
  /** KL(p1‖p0), nats per request. */
  readonly kl: number;
}

export interface DetectorBenchRow {
  readonly caseId: string;
  readonly rate: number;
  readonly detectorId: string;
  readonly label: string;
  readonly trials: number;
  readonly detected: number;
  /** Null = the percentile was not detected within the cap. */
  readonly medianDelaySeconds: number | null;
  readonly p95DelaySeconds: number | null;
  readonly medianDelayRequests: number | null;
  /** 95% confidence interval of the median delay, seconds (trials are few; medians move). */
  readonly medianDelaySecondsCi95: readonly [number | null, number | null];
  readonly p95DelayRequests: number | null;
  /** Mean delay in requests (what Lorden's bound is about); null unless every trial detected. */
  readonly meanDelayRequests: number | null;
  readonly noFaultHours: number;
  readonly falseAlarms: number;
  readonly falseAlarmsPerHour: number;
  /** One-sided 95% upper bound on the false-alarm rate. */
  readonly falseAlarmsPerHourUpper95: number;
  readonly falseAlarmsPerHourSetting: number | null;
  /** Mean requests between false alarms used for the bound: the setting, else measured. */
  readonly arl0Requests: number;
  /** "setting"; "measured"; or "at least" when no false alarm was seen (ARL0 > the requests simulated). */
  readonly arl0Basis: 'setting' | 'measured' | 'at least';
  /** ln(ARL0)/KL in requests, and in seconds at this rate. */
  readonly boundRequests: number;
  readonly boundSeconds: number;
  /** Median delay (requests) / bound; null when the median was not detected. */
  readonly ratioToBound: number | null;
  /** Mean delay (requests) / bound; null unless every trial detected. */
  readonly meanRatioToBound: number | null;
}

export interface AcceptanceCheck {
  readonly description: string;
  readonly value: number | null;
  readonly target: string;
  readonly passed: boolean;
  /** False for checks printed for context only (they do not fail the run). */
  readonly gating: boolean;
}

export interface DetectionBenchResult {
  readonly seed: number;
  readonly trials: number;
  readonly capSeconds: number;
  readonly baselineSeconds: number;
  readonly rates: readonly number[];
  readonly cases: readonly CaseSummary[];
  readonly rows: readonly DetectorBenchRow[];
  readonly acceptance: readonly AcceptanceCheck[];
}

/** The detectors that apply to a case: error-only detectors sit out a pure latency regression. */
export function lineupFor(testCase: StreamCase): BenchDetector[] {
  return BENCH_LINEUP.filter((detector) => !(detector.errorsOnly && testCase.changed.stream !== 'errors'));
}

function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h ^= part >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}

export async function runDetectionBenchmark(
  options: DetectionBenchOptions = {},
): Promise<DetectionBenchResult> {
  const seed = options.seed ?? 1;
  const trials = options.trials ?? 100;
  const rates = options.rates ?? [10, 100, 1000];
  const capSeconds = options.capSeconds ?? 600;
  const baselineSeconds = options.baselineSeconds ?? 30;
  const noFaultRequests = options.noFaultRequests ?? 2e7;
  const settings = { baselineSeconds, capSeconds };
  const cases = STREAM_CASES.filter((c) => !options.caseIds || options.caseIds.includes(c.id));

  const rows: DetectorBenchRow[] = [];
  for (const [caseIndex, testCase] of cases.entries()) {
    const lineup = lineupFor(testCase);
    const kl = bernoulliKl(testCase.changed.p1, testCase.changed.p0);
    for (const rate of rates) {
      const perDetector: TrialOutcome[][] = lineup.map(() => []);
      for (let trial = 0; trial < trials; trial++) {
        const outcomes = await runDelayTrial(
          testCase,
          rate,
          lineup,
          mixSeed(seed, caseIndex, rate, trial),
          settings,
        );
        outcomes.forEach((outcome, i) => perDetector[i]?.push(outcome));
      }
      const maxHours = testCase.latencyHistograms
        ? (options.noFaultMaxHoursWithHistograms ?? 1)
        : (options.noFaultMaxHours ?? 50);
      const hours = Math.min(maxHours, noFaultRequests / (rate * 3600));
      const noFault = await runNoFault(
        testCase,
        rate,
        lineup,
        mixSeed(seed, caseIndex, rate, 0xfa15e),
        hours,
        settings,
      );
      lineup.forEach((detector, i) =>
        rows.push(row(testCase, rate, detector, kl, perDetector[i] ?? [], noFault[i] as NoFaultOutcome)),
      );
      options.progress?.(
        `${testCase.id} at ${rate} rps: ${trials} trials, ${hours.toFixed(1)} h without a fault`,
      );
    }
  }
  return {
    seed,
    trials,
    capSeconds,
    baselineSeconds,
    rates,
    cases: cases.map((c) => ({
      id: c.id,
      title: c.title,
      changedStream: c.changed.stream,
      p0: c.changed.p0,
      p1: c.changed.p1,
      kl: bernoulliKl(c.changed.p1, c.changed.p0),
    })),
    rows,
    acceptance: acceptanceChecks(rows),
  };
}

function row(
  testCase: StreamCase,
  rate: number,
  detector: BenchDetector,
  kl: number,
  outcomes: readonly TrialOutcome[],
  noFault: NoFaultOutcome,
): DetectorBenchRow {
  const delaysMs = outcomes.map((o) => o.delayMs);
  const delaysRequests = outcomes.map((o) => o.delayRequests);
  const medianMs = percentileOrNull(delaysMs, 50);
  const p95Ms = percentileOrNull(delaysMs, 95);
  const medianRequests = percentileOrNull(delaysRequests, 50);
  const meanRequests = delaysRequests.every((d) => d !== null)
    ? (delaysRequests as number[]).reduce((sum, d) => sum + d, 0) / Math.max(1, delaysRequests.length)
    : null;
  const setting = detector.falseAlarmsPerHourSetting;
  let arl0Requests: number;
  let arl0Basis: DetectorBenchRow['arl0Basis'];
  if (setting !== null) {
    arl0Requests = (rate * 3600) / setting;
    arl0Basis = 'setting';
  } else if (noFault.alarms > 0) {
    arl0Requests = noFault.requests / noFault.alarms;
    arl0Basis = 'measured';
  } else {
    arl0Requests = noFault.requests;
    arl0Basis = 'at least';
  }
  // Below e requests between alarms the bound is meaningless (ln < 1): a detector firing that
  // often is not detecting anything.
  const boundRequests = Math.log(Math.max(Math.E, arl0Requests)) / kl;
  return {
    caseId: testCase.id,
    rate,
    detectorId: detector.id,
    label: detector.label,
    trials: outcomes.length,
    detected: outcomes.filter((o) => o.delayMs !== null).length,
    medianDelaySeconds: medianMs === null ? null : medianMs / 1000,
    p95DelaySeconds: p95Ms === null ? null : p95Ms / 1000,
    medianDelayRequests: medianRequests,
    medianDelaySecondsCi95: medianCi95(delaysMs).map((ms) => (ms === null ? null : ms / 1000)) as [
      number | null,
      number | null,
    ],
    p95DelayRequests: percentileOrNull(delaysRequests, 95),
    meanDelayRequests: meanRequests,
    noFaultHours: noFault.hours,
    falseAlarms: noFault.alarms,
    falseAlarmsPerHour: noFault.alarms / noFault.hours,
    falseAlarmsPerHourUpper95: poissonUpper95(noFault.alarms) / noFault.hours,
    falseAlarmsPerHourSetting: setting,
    arl0Requests,
    arl0Basis,
    boundRequests,
    boundSeconds: boundRequests / rate,
    ratioToBound: medianRequests === null ? null : medianRequests / boundRequests,
    meanRatioToBound: meanRequests === null ? null : meanRequests / boundRequests,
  };
}
