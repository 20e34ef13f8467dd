/**
 * Pushes the run's metrics when the drill finishes and records what happened in
 * `record.exports.pushgateway`. A failed push is reported, never thrown: the drill's result stands.
 */
import type { DrillObserver } from '../../harness/runner/observer.js';
import type { RunRecord } from '../../harness/store/run-record.js';
import { DEFAULT_JOB, groupingFromRecord, redactUrl } from './grouping.js';
import { describe, pushRunMetrics, type PushOptions, type PushResult } from './push.js';

export interface PushgatewayObserver extends DrillObserver {
  /** The last push's outcome; undefined until a run finishes. */
  lastResult(): PushResult | undefined;
}

/** The shape written to run.json under `exports.pushgateway`. */
export function pushExportRecord(result: PushResult): Record<string, unknown> {
  return {
    url: result.url,
    ok: result.ok,
    attempts: result.attempts,
    grouping: { ...result.grouping },
    ...(result.error ? { error: result.error } : {}),
    ...(result.notes.length ? { notes: result.notes } : {}),
  };
}

export function pushgatewayObserver(options: PushOptions): PushgatewayObserver {
  let last: PushResult | undefined;
  return {
    async runFinished(record: RunRecord) {
      // If the runner stops waiting before the push ends, run.json still says what happened.
      record.exports['pushgateway'] = {
        url: redactUrl(options.url),
        ok: false,
        attempts: 0,
        error: 'push still in progress when the record was written',
      };
      try {
        last = await pushRunMetrics(record, options);
      } catch (error) {
        // pushRunMetrics never throws by design; this guards the guarantee, not a known path.
        last = {
          ok: false,
          attempts: 0,
          url: redactUrl(options.url),
          grouping: groupingFromRecord(record, options.job ?? DEFAULT_JOB),
          error: describe(error),
          notes: [],
        };
      }
      record.exports['pushgateway'] = pushExportRecord(last);
    },
    lastResult: () => last,
  };
}
