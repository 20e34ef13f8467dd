import type { AdapterContext, ObservationResolution } from '../core/adapter-context.js';

export interface FaultDescription {
  /** The adapter type, e.g. `release`, `toxic`. Used as the `fault_kind` label. */
  readonly kind: string;
  /** One line for reports, e.g. "deploy 1.5.0-errors (5xx on checkout)". */
  readonly summary: string;
  readonly details: Record<string, unknown>;
}

export interface FaultInjection {
  /** Monotonic ms at which the fault took effect (candidate serving / toxic accepted). */
  readonly effectiveAtMs: number;
  readonly observation: ObservationResolution;
}

/** Something that breaks the system on purpose and can always be undone. */
export interface Fault {
  readonly kind: string;
  /**
   * True when rolling the target back is itself the remediation (a bad release). The runner then
   * does not clear the fault after the rollback — doing so would be a second rollback that hides one
   * that failed to restore service; the cleanup stack still clears it at the end, for safety.
   */
  readonly remediatedByRollback: boolean;
  describe(): FaultDescription;
  inject(ctx: AdapterContext): Promise<FaultInjection>;
  /** Removes the fault. Idempotent: safe to call when never injected or already cleared. */
  clear(ctx: AdapterContext): Promise<void>;
}
