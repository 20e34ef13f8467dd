/** Starting the demo's child processes: one shop process per version, and the payments dependency. */
import { findRelease, knownDemoVersions } from './releases.js';
import { describeStartOutcome, forkDemoChild, type ManagedChild } from './managed-child.js';
import type { RouterSlot } from './router.js';

export interface ShopProcessOptions {
  /** Where checkout charges payments; unset: checkout skips payment. */
  readonly paymentsUrl?: URL;
  /** 0 (default) picks a free port. */
  readonly port?: number;
}

/** Forks the shop running `version`; wait for it with `waitForStart`. Throws for unknown versions. */
export function startShopProcess(version: string, options: ShopProcessOptions = {}): ManagedChild {
  if (!findRelease(version)) {
    throw new Error(`unknown demo version ${version}; known: ${knownDemoVersions().join(', ')}`);
  }
  const env: Record<string, string> = { DEMO_VERSION: version, PORT: String(options.port ?? 0) };
  // An empty value, not an absent one, so a PAYMENTS_URL in the harness's own environment never leaks in.
  env.PAYMENTS_URL = options.paymentsUrl?.href ?? '';
  return forkDemoChild('./shop-process.js', { label: `shop ${version}`, env });
}

/** Forks the payments dependency; wait for it with `waitForStart`. */
export function startPaymentsProcess(options: { readonly port?: number } = {}): ManagedChild {
  return forkDemoChild('./payments-process.js', {
    label: 'payments',
    env: { PORT: String(options.port ?? 0) },
  });
}

/** A router slot backed by a shop process: it has a port exactly while that process listens. */
export class ProcessSlot implements RouterSlot {
  constructor(
    readonly name: string,
    readonly version: string,
    readonly child: ManagedChild,
  ) {}

  get port(): number | undefined {
    return this.child.port;
  }

  /** Why the slot has no port: how its process exited, or that it is still starting. */
  whyNotListening(): string {
    const exit = this.child.exitStatus;
    if (!exit)
      return this.port === undefined
        ? 'still starting: it neither listened nor exited within the start timeout'
        : `listening on port ${this.port}`;
    return describeStartOutcome({ kind: 'exited', ...exit }, this.child);
  }
}
