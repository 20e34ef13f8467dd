/**
 * Every action that changes the world pushes its undo here before it acts; every exit path unwinds
 * the stack, newest first. An undo that fails or hangs is recorded and the unwinding goes on: one
 * stuck step must never leave the others' damage behind.
 */
import type { Clock } from '../core/clock.js';
import { formatDurationMs } from '../core/errors.js';

export interface CleanupStep {
  readonly name: string;
  readonly undo: (signal: AbortSignal) => Promise<void>;
}

export interface CleanupReport {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly durationMs: number;
}

export class CleanupStack {
  private readonly steps: CleanupStep[] = [];
  private unwinding: Promise<CleanupReport[]> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly stepTimeoutMs = 30_000,
  ) {}

  push(name: string, undo: (signal: AbortSignal) => Promise<void>): void {
    this.steps.push({ name, undo });
  }

  get size(): number {
    return this.steps.length;
  }

  /** Runs every undo once, newest first. Concurrent calls share one unwinding. Never throws. */
  unwind(onStep?: (report: CleanupReport) => void): Promise<CleanupReport[]> {
    this.unwinding ??= this.runAll(onStep);
    return this.unwinding;
  }

  private async runAll(onStep?: (report: CleanupReport) => void): Promise<CleanupReport[]> {
    const reports: CleanupReport[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      const report = await this.runOne(step);
      reports.push(report);
      onStep?.(report);
    }
    return reports;
  }

  private async runOne(step: CleanupStep): Promise<CleanupReport> {
    const started = this.clock.now();
    const controller = new AbortController();
    let cancelTimer = (): void => undefined;
    const timedOut = new Promise<never>((_, reject) => {
      cancelTimer = this.clock.setTimer(() => {
        controller.abort();
        reject(new Error(`did not finish within ${formatDurationMs(this.stepTimeoutMs)}`));
      }, this.stepTimeoutMs);
    });
    try {
      await Promise.race([step.undo(controller.signal), timedOut]);
      return { name: step.name, ok: true, durationMs: this.clock.now() - started };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { name: step.name, ok: false, error: message, durationMs: this.clock.now() - started };
    } finally {
      cancelTimer();
    }
  }
}
