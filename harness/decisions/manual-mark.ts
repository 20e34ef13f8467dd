/** Turns a `decided` mark into a Decision: shared by the manual and observe decisions. */
import type { AdapterContext } from '../core/adapter-context.js';
import type { Detection } from '../detectors/port.js';
import type { ObservedMark } from '../runner/marks.js';
import type { Decision } from './port.js';

/**
 * A decision cannot precede its detection on the drill's timeline: a person who marked `decided`
 * before the detector fired (they saw it first) is counted at the detection, and the log says so.
 */
export function decisionFromMark(
  seen: ObservedMark,
  detection: Detection,
  ctx: AdapterContext,
  kind: string,
  rollbackBy: 'harness' | 'external',
): Decision {
  const { mark } = seen;
  let atMs = seen.markedAtMs;
  if (atMs < detection.atMs) {
    ctx.log(`the decided mark (${mark.at}) predates the detection; the decision is counted at the detection`);
    atMs = detection.atMs;
  }
  return {
    atMs,
    decidedBy: `${kind}: ${mark.by}`,
    ...(mark.note ? { note: mark.note } : {}),
    rollbackBy,
  };
}
