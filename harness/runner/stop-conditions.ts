/**
 * Stop conditions, in the spirit of AWS FIS stop conditions and Chaos Toolkit safeguards: watchers
 * that run beside the phases and stop the drill the moment it does more harm than it may. When one
 * fires, the runner aborts at once; the cleanup stack clears the fault and rolls back, and the record
 * says `aborted` with the condition's reason. Each condition is its own module; this one wires them.
 */
import type { Clock } from '../core/clock.js';
import { formatDurationMs } from '../core/errors.js';
import type { Scenario } from '../scenario/model.js';
import type { TrafficListener } from '../traffic/sli.js';
import { abortRequestCondition, type AbortRequestReader } from './stop-conditions-abort-request.js';
import { blastRadiusCondition } from './stop-conditions-blast-radius.js';
import { prometheusCondition, type PrometheusQuery } from './stop-conditions-prometheus.js';

/** Why a drill was stopped: which condition, in words, and the figures behind it. */
export interface StopConditionFired {
  /** `maxDuration`, `blastRadius`, `prometheus`, `abortRequest`. */
  readonly condition: string;
  readonly reason: string;
  readonly data?: Record<string, unknown>;
}

export interface StopConditionContext {
  readonly clock: Clock;
  /** Live SLI samples (one per second) while traffic runs; returns the unsubscribe function. */
  subscribe(listener: TrafficListener): () => void;
  /** Stops the drill. Only the first call of any condition counts. */
  fire(stop: StopConditionFired): void;
  /** A progress line for the user (e.g. a stop condition that cannot be evaluated). */
  log(message: string): void;
}

export interface StopCondition {
  readonly name: string;
  /** Starts watching; returns a function that stops watching (idempotent, never throws). */
  start(ctx: StopConditionContext): () => void;
}

/** What a drill's stop conditions need besides the scenario; injectable for tests. */
export interface StopConditionOptions {
  /** The run's folder: an abort request written there stops the drill (`rollback-drill abort`). */
  readonly runFolder?: string;
  readonly readAbortRequest?: AbortRequestReader;
  readonly prometheusQuery?: PrometheusQuery;
}

/** Every stop condition the scenario's `abort:` block (and the run folder) asks for. */
export function stopConditionsFor(scenario: Scenario, options: StopConditionOptions = {}): StopCondition[] {
  const { abort } = scenario;
  const conditions: StopCondition[] = [maxDurationCondition(abort.maxDuration)];
  if (abort.blastRadius) conditions.push(blastRadiusCondition(abort.blastRadius));
  if (abort.prometheus) conditions.push(prometheusCondition(abort.prometheus, options.prometheusQuery));
  if (options.runFolder) conditions.push(abortRequestCondition(options.runFolder, options.readAbortRequest));
  return conditions;
}

/** The drill may not run longer than `maxDurationMs`, whatever phase it is in. */
export function maxDurationCondition(maxDurationMs: number): StopCondition {
  return {
    name: 'maxDuration',
    start(ctx) {
      return ctx.clock.setTimer(
        () =>
          ctx.fire({
            condition: 'maxDuration',
            reason: `the drill ran past its maximum duration of ${formatDurationMs(maxDurationMs)}`,
            data: { maxDurationMs },
          }),
        maxDurationMs,
      );
    },
  };
}

/** A running set of stop conditions; `stop()` ends every watcher. */
export interface StopConditionWatch {
  /** The condition that fired, if one did. */
  fired(): StopConditionFired | null;
  stop(): void;
}

/**
 * Starts every condition. The first to fire calls `onFire` once; later firings are ignored. A
 * condition that throws while starting is reported through `log` and skipped: a broken guard must
 * not stop a drill that is otherwise safe, and the others keep watching.
 */
export function watchStopConditions(
  conditions: readonly StopCondition[],
  base: Omit<StopConditionContext, 'fire'>,
  onFire: (stop: StopConditionFired) => void,
): StopConditionWatch {
  let first: StopConditionFired | null = null;
  let stopped = false;
  const stops: (() => void)[] = [];
  const ctx: StopConditionContext = {
    ...base,
    fire(stop) {
      if (first || stopped) return;
      first = stop;
      onFire(stop);
    },
  };
  for (const condition of conditions) {
    try {
      stops.push(condition.start(ctx));
    } catch (error) {
      base.log(
        `stop condition ${condition.name} could not start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return {
    fired: () => first,
    stop() {
      if (stopped) return;
      stopped = true;
      for (const stop of stops) {
        try {
          stop();
        } catch {
          // Stopping a watcher must never break the cleanup that follows.
        }
      }
    },
  };
}
