import type { Scenario } from '../scenario/model.js';
import type { RunRecord } from '../store/run-record.js';
import type { SliSample } from '../traffic/sli.js';
import type { FaultDescription } from '../faults/port.js';
import type { TimelineEvent } from './timeline.js';

export interface RunStartInfo {
  readonly runId: string;
  readonly scenario: Scenario;
  readonly fault: FaultDescription;
  /** Monotonic ms of the run start on the drill's clock. */
  readonly startedAtMs: number;
  /** Converts a monotonic reading of the drill's clock to epoch ms. */
  toEpochMs(monotonicMs: number): number;
}

/**
 * Watches a drill as it happens: terminal progress, live /metrics, OpenTelemetry spans. Observers
 * must not throw; `runFinished` may add what it did to `record.exports` before the record is written.
 */
export interface DrillObserver {
  runStarted?(info: RunStartInfo): void;
  event?(event: TimelineEvent): void;
  sample?(sample: SliSample): void;
  /** Called once with the final record, before it is written; awaited (bounded by the runner). */
  runFinished?(record: RunRecord): Promise<void> | void;
}
