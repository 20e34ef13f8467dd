import type { Clock } from '../core/clock.js';

export const PHASES = [
  'setup',
  'baseline',
  'fault',
  'detect',
  'decide',
  'rollback',
  'verify',
  'cleanup',
] as const;
export type PhaseName = (typeof PHASES)[number];

/** Event types a timeline holds; part of the run record contract (docs/run-record.md). */
export const TIMELINE_EVENT_TYPES = [
  'run.started',
  'phase.started',
  'phase.ended',
  'target.ready',
  'fault.injected',
  'detected',
  'decided',
  'rollback.started',
  'rollback.completed',
  'rollback.failed',
  'fault.cleared',
  'recovered',
  'phase.timeout',
  'run.aborted',
  'cleanup.step',
  'cleanup.failed',
  'note',
  'run.finished',
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

export interface TimelineEvent {
  readonly type: TimelineEventType;
  /** Monotonic ms on the drill's clock. */
  readonly atMs: number;
  readonly phase?: PhaseName;
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

/** The ordered record of what happened in a drill. Append-only. */
export class Timeline {
  private readonly list: TimelineEvent[] = [];
  private readonly listeners = new Set<(event: TimelineEvent) => void>();

  constructor(private readonly clock: Clock) {}

  /** Records an event now, or at `atMs` when the moment was observed earlier (e.g. by an adapter). */
  record(
    type: TimelineEventType,
    message: string,
    options: { phase?: PhaseName; data?: Record<string, unknown>; atMs?: number } = {},
  ): TimelineEvent {
    const event: TimelineEvent = {
      type,
      atMs: options.atMs ?? this.clock.now(),
      message,
      ...(options.phase ? { phase: options.phase } : {}),
      ...(options.data ? { data: options.data } : {}),
    };
    this.list.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  onEvent(listener: (event: TimelineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  events(): readonly TimelineEvent[] {
    return this.list;
  }

  first(type: TimelineEventType): TimelineEvent | undefined {
    return this.list.find((e) => e.type === type);
  }
}
