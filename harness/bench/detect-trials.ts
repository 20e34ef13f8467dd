/**
 * The two experiments behind every benchmark row: delay trials (a baseline, then the fault, until
 * each detector fires or the cap) and a long no-fault stream (how often each detector fires when
 * nothing is wrong, restarting it after every alarm).
 */
import { isAbortError } from '../core/errors.js';
import { BenchFeed, type WatchHandle } from './detect-feed.js';
import type { BenchDetector } from './detect-lineup.js';
import { SeededRandom } from './detect-random.js';
import { OutcomeStream, simulateBaseline, type StreamCase } from './detect-streams.js';

export interface TrialOutcome {
  /** Fault start to detection, ms; null when not detected within the cap. */
  readonly delayMs: number | null;
  /** Requests completed from the fault start up to and including the detection; null likewise. */
  readonly delayRequests: number | null;
}

export interface NoFaultOutcome {
  readonly alarms: number;
  readonly hours: number;
  readonly requests: number;
}

export interface TrialSettings {
  readonly baselineSeconds: number;
  readonly capSeconds: number;
}

function rethrowUnexpected(handle: WatchHandle): void {
  if (handle.error !== undefined && !isAbortError(handle.error)) throw handle.error;
}

/** How many sorted completion times are ≤ atMs. */
function countUpTo(sortedMs: readonly number[], atMs: number): number {
  let low = 0;
  let high = sortedMs.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sortedMs[mid] as number) <= atMs) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** One baseline-then-fault run; one outcome per detector of the lineup, in order. */
export async function runDelayTrial(
  testCase: StreamCase,
  rate: number,
  lineup: readonly BenchDetector[],
  seed: number,
  settings: TrialSettings,
): Promise<TrialOutcome[]> {
  const random = new SeededRandom(seed);
  const stream = new OutcomeStream(random.fork(), rate, testCase.latencyHistograms);
  // A random whole-second phase, so the fault does not always start on a scrape boundary.
  const baselineSeconds = settings.baselineSeconds + Math.floor(random.next() * 15);
  const baseline = simulateBaseline(stream, testCase.before, 0, baselineSeconds);
  const feed = new BenchFeed(testCase.slos, baseline);
  const faultStartMs = baselineSeconds * 1000;
  await feed.syncClock(faultStartMs, true);

  const detectorRandom = random.fork();
  const handles = lineup.map((detector) => feed.watch(detector.create(detectorRandom)));
  const completions: number[] = [];
  const record = (outcome: Parameters<BenchFeed['emitOutcome']>[0]): void => {
    completions.push(outcome.completedAtMs);
    feed.emitOutcome(outcome);
  };
  for (let s = 0; s < settings.capSeconds && handles.some((h) => !h.stopped); s++) {
    const startMs = faultStartMs + s * 1000;
    feed.emitSample(stream.second(startMs, testCase.after, record));
    await feed.syncClock(startMs + 1000);
  }
  await feed.abortAll(handles);

  return handles.map((handle) => {
    rethrowUnexpected(handle);
    const detection = handle.detection;
    if (!detection) return { delayMs: null, delayRequests: null };
    return { delayMs: detection.atMs - faultStartMs, delayRequests: countUpTo(completions, detection.atMs) };
  });
}

/** `hours` of traffic with no fault; every alarm is false. One outcome per detector, in order. */
export async function runNoFault(
  testCase: StreamCase,
  rate: number,
  lineup: readonly BenchDetector[],
  seed: number,
  hours: number,
  settings: TrialSettings,
): Promise<NoFaultOutcome[]> {
  const random = new SeededRandom(seed);
  const stream = new OutcomeStream(random.fork(), rate, testCase.latencyHistograms);
  const baseline = simulateBaseline(stream, testCase.before, 0, settings.baselineSeconds);
  const feed = new BenchFeed(testCase.slos, baseline);
  const startMs = settings.baselineSeconds * 1000;
  await feed.syncClock(startMs, true);

  const detectorRandom = random.fork();
  const handles = lineup.map((detector) => feed.watch(detector.create(detectorRandom)));
  const alarms = lineup.map(() => 0);
  const seconds = Math.round(hours * 3600);
  let requests = 0;
  for (let s = 0; s < seconds; s++) {
    const secondStartMs = startMs + s * 1000;
    const sample = stream.second(secondStartMs, testCase.before, (outcome) => feed.emitOutcome(outcome));
    requests += sample.requests;
    feed.emitSample(sample);
    for (let i = 0; i < handles.length; i++) {
      const handle = handles[i] as WatchHandle;
      if (!handle.stopped) continue;
      await handle.done;
      rethrowUnexpected(handle);
      alarms[i] = (alarms[i] as number) + 1;
      // Restart at the next second, as a drill would start a fresh watch.
      await feed.syncClock(secondStartMs + 1000, true);
      handles[i] = feed.watch((lineup[i] as BenchDetector).create(detectorRandom));
    }
    await feed.syncClock(secondStartMs + 1000);
  }
  await feed.abortAll(handles);
  for (const handle of handles) rethrowUnexpected(handle);
  return alarms.map((count) => ({ alarms: count, hours: seconds / 3600, requests }));
}
