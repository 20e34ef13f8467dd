/** A bad release: the target deploys the candidate; rolling the target back is the remediation. */
import type { AdapterContext } from '../core/adapter-context.js';
import type { ReleaseFaultConfig } from '../scenario/schema/faults.js';
import type { Target } from '../targets/port.js';
import type { Fault, FaultDescription, FaultInjection } from './port.js';

export function createReleaseFault(config: ReleaseFaultConfig, target: Target): Fault {
  let injected = false;
  const description: FaultDescription = {
    kind: 'release',
    summary: `deploy ${config.version} over ${target.stableVersion} on the ${target.kind} target`,
    details: { version: config.version, stableVersion: target.stableVersion, target: target.kind },
  };
  return {
    kind: 'release',
    remediatedByRollback: true,
    describe: () => description,
    async inject(ctx: AdapterContext): Promise<FaultInjection> {
      injected = true; // set before acting: a deploy that fails half-way must still be undone
      const deployed = await target.deploy(config.version, ctx);
      return { effectiveAtMs: deployed.servingAtMs, observation: deployed.observation };
    },
    async clear(ctx: AdapterContext): Promise<void> {
      if (!injected) return;
      if ((await target.currentVersion(ctx)) === target.stableVersion) return;
      await target.rollback(ctx);
    },
  };
}
