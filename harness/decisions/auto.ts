/** Decide to roll back as soon as a regression is detected, or after a fixed delay (a simulated human). */
import type { AdapterContext } from '../core/adapter-context.js';
import { formatDurationMs } from '../core/errors.js';
import type { Detection } from '../detectors/port.js';
import type { Decision, DecisionMaker } from './port.js';

export function createAutoDecision(config: { readonly delay: number }): DecisionMaker {
  return {
    kind: 'auto',
    describe: () => ({ delayMs: config.delay }),
    async decide(_detection: Detection, ctx: AdapterContext): Promise<Decision> {
      if (config.delay > 0) {
        ctx.log(`deciding in ${formatDurationMs(config.delay)} (configured delay)`);
        await ctx.clock.sleep(config.delay, ctx.signal);
      }
      return { atMs: ctx.clock.now(), decidedBy: 'auto' };
    },
  };
}
