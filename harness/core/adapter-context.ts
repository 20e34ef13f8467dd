import type { Clock } from './clock.js';

/** What every adapter gets from the runner: the one clock, cancellation, and a progress line. */
export interface AdapterContext {
  readonly clock: Clock;
  /** Aborts when the drill is interrupted or a phase times out; adapters stop waiting at once. */
  readonly signal: AbortSignal;
  /** Progress for long steps, shown to the user (one line, no trailing newline). */
  log(message: string): void;
  /**
   * The run this adapter works for, when known: its id and the folder its record will be written to
   * (it exists from the start of the run; manual marks and intent records live there).
   */
  readonly run?: { readonly id: string; readonly folder: string };
}

/** How a time was observed, so no figure is reported more precisely than it was measured. */
export interface ObservationResolution {
  /** E.g. "router switch observed in-process", "polled /version every 100 ms". */
  readonly method: string;
  /** The uncertainty of the timestamp, in seconds. */
  readonly resolutionSeconds: number;
}
