import { z } from 'zod';

/** A bad release: the target deploys `version`; rolling back is the remediation. */
export const releaseFaultConfig = z.strictObject({
  type: z.literal('release'),
  version: z.string().min(1).meta({ description: 'the candidate version to deploy' }),
});

export const faultConfig = z.discriminatedUnion('type', [releaseFaultConfig], {
  error: 'expected a fault block with type: release',
});
export type FaultConfig = z.output<typeof faultConfig>;
export type ReleaseFaultConfig = z.output<typeof releaseFaultConfig>;
