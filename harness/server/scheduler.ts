/**
 * Fires each schedule at its cron times. croner does the calendar arithmetic (nextRun); the
 * waiting is done on the injected Clock, so tests drive a whole day of schedules with a FakeClock
 * and production uses the system clock. Each fire computes the next time strictly after the slot
 * that fired (or after now, when the timer ran late), so a slot never runs twice and slots missed
 * while the process was stalled are skipped rather than run back to back.
 */
import type { Clock } from '../core/clock.js';
import { cronOf, type ScheduleSpec } from './schedules.js';

/** setTimeout's ceiling (~24.8 days): longer waits are taken in steps. */
const MAX_TIMER_MS = 2_147_483_647;

export interface ScheduledJob {
  readonly spec: ScheduleSpec;
  /** The next time it fires (ISO), or null when stopped or when no future date matches. */
  nextRunAt(): string | null;
}

export class CronScheduler {
  private readonly jobs: { spec: ScheduleSpec; next: number | null; cancel: () => void }[] = [];
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly specs: readonly ScheduleSpec[],
    private readonly onDue: (spec: ScheduleSpec, slotEpochMs: number) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const spec of this.specs) {
      const job = { spec, next: null as number | null, cancel: (): void => undefined };
      this.jobs.push(job);
      this.arm(job, this.nowEpochMs());
    }
  }

  stop(): void {
    this.running = false;
    for (const job of this.jobs) {
      job.cancel();
      job.next = null;
    }
  }

  list(): ScheduledJob[] {
    return this.jobs.map((job) => ({
      spec: job.spec,
      nextRunAt: () => (job.next === null ? null : new Date(job.next).toISOString()),
    }));
  }

  private arm(
    job: { spec: ScheduleSpec; next: number | null; cancel: () => void },
    afterEpochMs: number,
  ): void {
    const next = cronOf(job.spec).nextRun(new Date(afterEpochMs))?.getTime() ?? null;
    job.next = next;
    if (next === null || !this.running) return;
    const wait = (): void => {
      const remaining = next - this.nowEpochMs();
      if (remaining > MAX_TIMER_MS) {
        job.cancel = this.clock.setTimer(wait, MAX_TIMER_MS);
        return;
      }
      job.cancel = this.clock.setTimer(() => {
        if (!this.running) return;
        // From the slot that fired, or from now if the timer ran late: missed slots are skipped,
        // never caught up in a burst of drills.
        this.arm(job, Math.max(next, this.nowEpochMs()));
        this.onDue(job.spec, next);
      }, remaining);
    };
    wait();
  }

  private nowEpochMs(): number {
    return this.clock.toEpochMs(this.clock.now());
  }
}
