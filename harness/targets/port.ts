import type { AdapterContext, ObservationResolution } from '../core/adapter-context.js';

export interface TargetHealth {
  readonly healthy: boolean;
  readonly version?: string;
  readonly detail?: string;
}

/** The moment a rollback was confirmed complete: stable version serving and healthy. */
export interface RollbackConfirmation {
  readonly completedAtMs: number;
  readonly version: string;
  readonly observation: ObservationResolution;
}

/** How a deploy should wire the new version, beyond the version itself. */
export interface DeployOptions {
  /**
   * Route a named dependency through another address, e.g. `{ payments: proxy URL }`: a candidate
   * whose config change sends its payments calls through a (faulty) proxy.
   */
  readonly dependencies?: Readonly<Record<string, URL>>;
}

/** Something that can run a version, roll back to the stable one, and say what is serving. */
export interface Target {
  readonly kind: string;
  /** The version a rollback restores. */
  readonly stableVersion: string;
  /** Brings the stable version up (or checks it is up); returns where traffic should go. */
  prepare(ctx: AdapterContext): Promise<{ readonly baseUrl: URL }>;
  /**
   * Deploys `version`. Resolves with the monotonic ms at which the new version started serving
   * (the fault start of a release fault) and how that moment was observed.
   */
  deploy(
    version: string,
    ctx: AdapterContext,
    options?: DeployOptions,
  ): Promise<{ readonly servingAtMs: number; readonly observation: ObservationResolution }>;
  /** Where a named dependency of the target listens (after prepare), when the target knows it. */
  dependencyAddress?(name: string): URL | undefined;
  /** Rolls back to the stable version and waits until it serves and is healthy; throws when it cannot. */
  rollback(ctx: AdapterContext): Promise<RollbackConfirmation>;
  /** The version serving now, or undefined when nothing healthy answers. */
  currentVersion(ctx: AdapterContext): Promise<string | undefined>;
  health(ctx: AdapterContext): Promise<TargetHealth>;
  /** Stops whatever the target started (processes, servers). Idempotent. */
  dispose(): Promise<void>;
}
