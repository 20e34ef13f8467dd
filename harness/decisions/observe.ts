/**
 * The `observe` decision: the harness does not roll back. It decides at once (or when a person
 * marks `decided`) with `rollbackBy: 'external'`, and the runner then watches the target until
 * the stable version serves — measuring the rollback the team's own pipeline or on-call performs.
 */
import type { AdapterContext } from '../core/adapter-context.js';
import { formatDurationMs } from '../core/errors.js';
import type { Detection } from '../detectors/port.js';
import { markCommand, MARKS_FOLDER, requireRunFolder, waitForMark } from '../runner/marks.js';
import type { ObserveDecisionConfig } from '../scenario/schema/detection.js';
import type { MarkDecisionOptions } from './manual.js';
import { decisionFromMark } from './manual-mark.js';
import type { Decision, DecisionMaker } from './port.js';

const EXTERNAL_NOTE = 'the harness does not roll back; it measures the rollback someone else performs';

export function createObserveDecision(
  config: Pick<ObserveDecisionConfig, 'waitForMark' | 'pollInterval'>,
  options: MarkDecisionOptions = {},
): DecisionMaker {
  return {
    kind: 'observe',
    describe: () => ({
      waitForMark: config.waitForMark,
      rollbackBy: 'external',
      ...(config.waitForMark
        ? {
            pollIntervalMs: config.pollInterval,
            markFile: `${MARKS_FOLDER}/decided.json in the run folder`,
            timeout: 'phases.decision.timeout',
            observation: {
              method: `a person's mark, read every ${formatDurationMs(config.pollInterval)}; decision time = the mark's timestamp, not before the detection`,
              resolutionSeconds: config.pollInterval / 1000,
            },
          }
        : {
            decidesAt:
              'the detection: time to roll back then spans the team deciding and rolling back (set waitForMark to split them)',
          }),
    }),
    async decide(detection: Detection, ctx: AdapterContext): Promise<Decision> {
      if (!config.waitForMark) {
        ctx.log(`observing: waiting for someone else to roll back (${EXTERNAL_NOTE})`);
        return { atMs: ctx.clock.now(), decidedBy: 'observe', note: EXTERNAL_NOTE, rollbackBy: 'external' };
      }
      const run = requireRunFolder(ctx, 'the observe decision');
      ctx.log(`observing: mark when the team decides to roll back: ${markCommand(run, 'decided')}`);
      const seen = await waitForMark(run.folder, 'decided', ctx, {
        pollIntervalMs: config.pollInterval,
        ...(options.markSource ? { source: options.markSource(run.folder) } : {}),
      });
      return decisionFromMark(seen, detection, ctx, 'observe', 'external');
    },
  };
}
