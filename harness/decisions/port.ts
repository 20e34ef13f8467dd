import type { AdapterContext } from '../core/adapter-context.js';
import type { Detection } from '../detectors/port.js';

export interface Decision {
  /** Monotonic ms at which the decision to roll back was taken. */
  readonly atMs: number;
  /** Who or what decided: "auto", "manual: alice". */
  readonly decidedBy: string;
  readonly note?: string;
  /**
   * Who rolls back: the harness (default) or someone else — the team's own pipeline or on-call — in
   * which case the runner only watches the target until the stable version serves and measures that.
   */
  readonly rollbackBy?: 'harness' | 'external';
}

/** Turns a detection into a decision to roll back. */
export interface DecisionMaker {
  readonly kind: string;
  describe(): Record<string, unknown>;
  /** Resolves with the decision; rejects with an AbortError when ctx.signal aborts. */
  decide(detection: Detection, ctx: AdapterContext): Promise<Decision>;
}
