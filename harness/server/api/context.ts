/** What the API routes work with; built once by the daemon (daemon.ts), injected so tests can build their own. */
import type { Registry } from 'prom-client';
import type { Clock } from '../../core/clock.js';
import type { DrillSupervisor } from '../drill-supervisor.js';
import type { MarkWriter } from '../marks.js';
import type { ReportRenderers } from '../reports.js';
import type { ScheduledJob } from '../scheduler.js';

export interface ServeContext {
  readonly runsDir: string;
  readonly scenariosDir: string;
  readonly clock: Clock;
  readonly supervisor: DrillSupervisor;
  readonly marks: MarkWriter;
  readonly reports: ReportRenderers;
  /** The schedules and their next times (empty when none are configured). */
  readonly scheduledJobs: () => readonly ScheduledJob[];
  readonly registry: Registry;
  /** Recomputes the history metrics when they are older than their refresh interval. */
  readonly refreshHistoryMetrics: () => Promise<void>;
  readonly version: string;
  readonly startedAtEpochMs: number;
}
