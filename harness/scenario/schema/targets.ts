import { z } from 'zod';
import { stableDemoVersions } from '../../demo/releases.js';
import { duration } from '../units.js';

const STABLE_DEMO_VERSIONS = stableDemoVersions() as [string, ...string[]];

const port = z
  .int({ error: 'expected a TCP port from 0 to 65535 (0: any free port)' })
  .min(0, 'expected a TCP port from 0 to 65535 (0: any free port)')
  .max(65_535, 'expected a TCP port from 0 to 65535 (0: any free port)');

/** The demo shop, run by the harness as real child processes behind a blue-green router. */
export const embeddedTargetConfig = z.strictObject({
  type: z.literal('embedded'),
  stableVersion: z
    .enum(STABLE_DEMO_VERSIONS, {
      error: `expected one of the demo shop's stable versions: ${STABLE_DEMO_VERSIONS.join(', ')}`,
    })
    .default('1.4.2')
    .meta({ description: 'the version a rollback restores' }),
  healthPollInterval: duration.default(100).meta({ description: 'how often rollback completion is polled' }),
  startTimeout: duration
    .default(10_000)
    .meta({ description: 'how long a new version may take to listen (or crash) before it is switched to' }),
  routerPort: port
    .default(0)
    .meta({ description: 'where the router listens on 127.0.0.1; 0: any free port' }),
  paymentsPort: port
    .default(0)
    .meta({ description: 'where the payments dependency listens on 127.0.0.1; 0: any free port' }),
  paymentsUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http:// URL such as http://127.0.0.1:21212' })
    .optional()
    .meta({
      description:
        'where the shop calls payments, e.g. a fault proxy in front of paymentsPort; default: payments directly',
    }),
});

export const targetConfig = z.discriminatedUnion('type', [embeddedTargetConfig], {
  error: 'expected a target block with type: embedded',
});
export type TargetConfig = z.output<typeof targetConfig>;
export type EmbeddedTargetConfig = z.output<typeof embeddedTargetConfig>;
