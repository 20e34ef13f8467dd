/**
 * The `manual` decision: a person approves the rollback with `rollback-drill mark RUN decided` (or
 * the serve API). The runner bounds the wait with phases.decision.timeout; no mark by then fails
 * the decide phase. The harness then rolls back itself.
 */
import type { AdapterContext } from '../core/adapter-context.js';
import { formatDurationMs } from '../core/errors.js';
import type { Detection } from '../detectors/port.js';
import {
  markCommand,
  MARKS_FOLDER,
  requireRunFolder,
  waitForMark,
  type MarkSource,
} from '../runner/marks.js';
import type { ManualDecisionConfig } from '../scenario/schema/detection.js';
import { decisionFromMark } from './manual-mark.js';
import type { Decision, DecisionMaker } from './port.js';

export interface MarkDecisionOptions {
  /** Where marks are read from; default: the run folder's mark files. */
  readonly markSource?: (runFolder: string) => MarkSource;
}

export function createManualDecision(
  config: Pick<ManualDecisionConfig, 'pollInterval'>,
  options: MarkDecisionOptions = {},
): DecisionMaker {
  return {
    kind: 'manual',
    describe: () => ({
      pollIntervalMs: config.pollInterval,
      markFile: `${MARKS_FOLDER}/decided.json in the run folder`,
      howToMark: 'rollback-drill mark RUN decided [--by NAME] [--note TEXT], or POST /api/runs/RUN/marks',
      timeout: 'phases.decision.timeout',
      rollbackBy: 'harness',
      observation: {
        method: `a person's mark, read every ${formatDurationMs(config.pollInterval)}; decision time = the mark's timestamp, not before the detection`,
        resolutionSeconds: config.pollInterval / 1000,
      },
    }),
    async decide(detection: Detection, ctx: AdapterContext): Promise<Decision> {
      const run = requireRunFolder(ctx, 'the manual decision');
      ctx.log(`waiting for approval to roll back: ${markCommand(run, 'decided')}`);
      const seen = await waitForMark(run.folder, 'decided', ctx, {
        pollIntervalMs: config.pollInterval,
        ...(options.markSource ? { source: options.markSource(run.folder) } : {}),
      });
      return decisionFromMark(seen, detection, ctx, 'manual', 'harness');
    },
  };
}
