/**
 * The `manual` detector: a person says when they noticed. It waits for the `detected` mark
 * (harness/runner/marks.ts) written by `rollback-drill mark RUN detected` or the serve API. This is
 * how a drill measures a team that watches dashboards rather than one whose alerts page it.
 */
import { formatDurationMs } from '../core/errors.js';
import {
  markCommand,
  requireRunFolder,
  waitForMark,
  type MarkSource,
  MARKS_FOLDER,
} from '../runner/marks.js';
import type { ManualDetectorConfig } from '../scenario/schema/detection.js';
import type { Detection, Detector, DetectorContext, DetectorDescription } from './port.js';

export interface ManualDetectorOptions {
  /** Where marks are read from; default: the run folder's mark files. */
  readonly markSource?: (runFolder: string) => MarkSource;
}

export class ManualDetector implements Detector {
  readonly kind = 'manual';

  constructor(
    private readonly config: ManualDetectorConfig,
    private readonly options: ManualDetectorOptions = {},
  ) {}

  describe(): DetectorDescription {
    const every = formatDurationMs(this.config.pollInterval);
    return {
      kind: this.kind,
      settings: {
        pollInterval: this.config.pollInterval,
        markFile: `${MARKS_FOLDER}/detected.json in the run folder`,
        howToMark: 'rollback-drill mark RUN detected [--by NAME] [--note TEXT], or POST /api/runs/RUN/marks',
        firesWhen:
          'a detected mark made after watching began is read; marks made before the fault was in effect are ignored',
      },
      observation: {
        method: `a person's mark, read every ${every}; detection time = the mark's timestamp (at most when it was read)`,
        resolutionSeconds: this.config.pollInterval / 1000,
      },
    };
  }

  async watch(ctx: DetectorContext): Promise<Detection> {
    const run = requireRunFolder(ctx, 'the manual detector');
    const watchStartMs = ctx.clock.now();
    ctx.log(`waiting for a person to mark detection: ${markCommand(run, 'detected')}`);
    const seen = await waitForMark(run.folder, 'detected', ctx, {
      pollIntervalMs: this.config.pollInterval,
      notBeforeMs: watchStartMs,
      ...(this.options.markSource ? { source: this.options.markSource(run.folder) } : {}),
    });
    const { mark } = seen;
    return {
      atMs: seen.markedAtMs,
      reason: `marked detected by ${mark.by}${mark.note ? `: ${mark.note}` : ''}`,
      observed: {
        markReadLagMs: Math.round(seen.observedAtMs - seen.markedAtMs),
        pollIntervalMs: this.config.pollInterval,
      },
    };
  }
}
