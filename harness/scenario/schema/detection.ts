import { z } from 'zod';
import { duration } from '../units.js';

/** Sliding-window error ratio and latency percentiles from client-side SLIs, against the SLO. */
export const thresholdDetectorConfig = z.strictObject({
  type: z.literal('threshold'),
  window: duration.default(5_000).meta({ description: 'sliding window the SLIs are computed over' }),
  minRequests: z
    .int()
    .nonnegative()
    .default(20)
    .meta({ description: 'fewer requests in the window = no data' }),
});

export const detectionConfig = z.discriminatedUnion('type', [thresholdDetectorConfig], {
  error: 'expected a detection block with type: threshold',
});
export type DetectionConfig = z.output<typeof detectionConfig>;
export type ThresholdDetectorConfig = z.output<typeof thresholdDetectorConfig>;

/** Decide to roll back as soon as the regression is detected, or after a fixed delay. */
export const autoDecisionConfig = z.strictObject({
  type: z.literal('auto'),
  delay: duration.default(0),
});

export const decisionConfig = z.discriminatedUnion('type', [autoDecisionConfig], {
  error: 'expected a decision block with type: auto',
});
export type DecisionConfig = z.output<typeof decisionConfig>;
