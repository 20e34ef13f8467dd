import type { AdapterContext, ObservationResolution } from '../core/adapter-context.js';
import type { Slos } from '../scenario/model.js';
import type { TrafficListener } from '../traffic/sli.js';
import type { WindowSli } from '../measure/windows.js';

export interface Detection {
  /** Monotonic ms at which the detector concluded there is a regression. */
  readonly atMs: number;
  /** Why, in one line: "error ratio 4.8% > 0.5% over 5s (240 requests)". */
  readonly reason: string;
  /** The figures behind the decision. */
  readonly observed: Record<string, number>;
}

export interface DetectorDescription {
  readonly kind: string;
  readonly settings: Record<string, unknown>;
  readonly observation: ObservationResolution;
}

export interface DetectorContext extends AdapterContext {
  readonly slos: Slos;
  /** The SLIs measured over the baseline phase (what "normal" looked like). */
  readonly baseline: WindowSli;
  /** Subscribes to live traffic; returns the unsubscribe function. */
  subscribe(listener: TrafficListener): () => void;
}

/** Watches from the fault start and reports one detection. */
export interface Detector {
  readonly kind: string;
  describe(): DetectorDescription;
  /** Resolves on detection; rejects with an AbortError when ctx.signal aborts. */
  watch(ctx: DetectorContext): Promise<Detection>;
}
