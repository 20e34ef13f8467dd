/**
 * What traffic observes. Outcomes are per request (streamed, never stored in bulk); samples are
 * per second and are what the run record keeps, so memory stays bounded however long a drill runs.
 */

/** Why a request counted against availability. 4xx responses are the client's fault: not errors. */
export type ErrorClass = 'http_5xx' | 'timeout' | 'connection_refused' | 'connection_reset' | 'other';

export interface RequestOutcome {
  /** Monotonic ms the request was scheduled for (open model: not when it was actually sent). */
  readonly scheduledAtMs: number;
  /** Monotonic ms the response (or failure) was observed. */
  readonly completedAtMs: number;
  /** completedAtMs − scheduledAtMs: includes any queueing, so no coordinated omission. */
  readonly latencyMs: number;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** Set when the request counts as an error for availability. */
  readonly errorClass?: ErrorClass;
  /** A short name of what was requested, e.g. `GET /api/checkout`. */
  readonly endpoint: string;
}

export interface LatencySummaryMs {
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** One second of traffic, bucketed by completion time. */
export interface SliSample {
  /** Monotonic ms at which this one-second interval starts. */
  readonly startMs: number;
  readonly durationMs: number;
  /** Requests that completed in the interval (successes + errors). */
  readonly requests: number;
  readonly errors: number;
  /** Requests the generator could not send because too many were in flight. */
  readonly dropped: number;
  readonly errorsByClass: Partial<Record<ErrorClass, number>>;
  /** Latency percentiles of the interval's requests; null when none completed. */
  readonly latencyMs: LatencySummaryMs | null;
  /**
   * The interval's latency distribution as a compressed HdrHistogram (V2 encoding, base64, values in
   * microseconds) so windows can be merged exactly; null when no request completed.
   */
  readonly latencyHistogram: string | null;
}

/** Receives what traffic observes, as it happens. */
export interface TrafficListener {
  outcome?(outcome: RequestOutcome): void;
  sample?(sample: SliSample): void;
}
