import type { AdapterContext } from '../core/adapter-context.js';
import type { TrafficListener } from './sli.js';

/** Drives load at the target and reports every outcome and one SLI sample per second. */
export interface TrafficGenerator {
  readonly kind: string;
  /** Settings worth recording in the run record (rate, timeout, mix...). */
  describe(): Record<string, unknown>;
  /** Starts sending to `baseUrl`; returns once traffic is flowing. */
  start(baseUrl: URL, listener: TrafficListener, ctx: AdapterContext): Promise<void>;
  /** Stops scheduling, waits for in-flight requests (bounded by the request timeout), emits the last sample. Idempotent. */
  stop(): Promise<void>;
}
