import { z } from 'zod';
import { duration } from '../units.js';

/** The demo shop, run by the harness as real child processes behind a blue-green router. */
export const embeddedTargetConfig = z.strictObject({
  type: z.literal('embedded'),
  stableVersion: z.string().default('1.4.2').meta({ description: 'the version a rollback restores' }),
  healthPollInterval: duration.default(100).meta({ description: 'how often rollback completion is polled' }),
});

export const targetConfig = z.discriminatedUnion('type', [embeddedTargetConfig], {
  error: 'expected a target block with type: embedded',
});
export type TargetConfig = z.output<typeof targetConfig>;
export type EmbeddedTargetConfig = z.output<typeof embeddedTargetConfig>;
