/**
 * Waits for someone else's rollback: polls the target until the stable version serves and is
 * healthy. Used when the decision is to observe, not to act.
 */
import type { AdapterContext } from '../core/adapter-context.js';
import type { RollbackConfirmation, Target } from './port.js';

export const EXTERNAL_ROLLBACK_POLL_MS = 500;

export async function waitForStableServing(
  target: Target,
  ctx: AdapterContext,
  pollIntervalMs = EXTERNAL_ROLLBACK_POLL_MS,
): Promise<RollbackConfirmation> {
  let polls = 0;
  for (;;) {
    const health = await target.health(ctx).catch(() => ({ healthy: false, version: undefined }));
    if (health.healthy && health.version === target.stableVersion) {
      return {
        completedAtMs: ctx.clock.now(),
        version: target.stableVersion,
        observation: {
          method: `external rollback observed by polling the target's health every ${pollIntervalMs} ms`,
          resolutionSeconds: pollIntervalMs / 1000,
        },
      };
    }
    polls += 1;
    if (polls % 20 === 0) {
      ctx.log(
        `waiting for an external rollback to ${target.stableVersion} (serving: ${health.version ?? 'nothing healthy'})`,
      );
    }
    await ctx.clock.sleep(pollIntervalMs, ctx.signal);
  }
}
