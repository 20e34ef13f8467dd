import { z } from 'zod';
import { ratio } from '../units.js';

/** A bad release: the target deploys `version`; rolling back is the remediation. */
export const releaseFaultConfig = z.strictObject({
  type: z.literal('release'),
  version: z.string().min(1).meta({ description: 'the candidate version to deploy' }),
});

// Toxic attributes are Toxiproxy's own: whole numbers in the units its API uses, so a block can be
// copied to and from toxiproxy-cli. Unlike Toxiproxy, unknown attribute names are refused here: a typo
// would otherwise run a drill with no fault at all.
const milliseconds = z.int().nonnegative().meta({ description: 'milliseconds' });

const toxicCommon = {
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, dots, dashes and underscores')
    .optional()
    .meta({ description: 'the toxic name on the proxy; default rollback-drill-<type>-<stream>' }),
  stream: z
    .enum(['upstream', 'downstream'])
    .default('downstream')
    .meta({ description: 'upstream = client → server bytes, downstream = server → client bytes' }),
  toxicity: ratio.default(1).meta({ description: 'share of connections affected, e.g. 100% or 0.5' }),
};

const toxicSpec = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('latency'),
      ...toxicCommon,
      attributes: z.strictObject({
        latency: milliseconds.meta({ description: 'delay added to each chunk, ms' }),
        jitter: milliseconds.default(0).meta({ description: 'random ± spread around the latency, ms' }),
      }),
    }),
    z.strictObject({
      type: z.literal('bandwidth'),
      ...toxicCommon,
      attributes: z.strictObject({
        rate: z.int().nonnegative().meta({ description: 'KB/s (1 KB = 1000 bytes); 0 = unlimited' }),
      }),
    }),
    z.strictObject({
      type: z.literal('slow_close'),
      ...toxicCommon,
      attributes: z.strictObject({ delay: milliseconds.meta({ description: 'delay before a close, ms' }) }),
    }),
    z.strictObject({
      type: z.literal('timeout'),
      ...toxicCommon,
      attributes: z.strictObject({
        timeout: milliseconds.meta({
          description: 'data is dropped and the connection closed after this; 0 = never',
        }),
      }),
    }),
    z.strictObject({
      type: z.literal('reset_peer'),
      ...toxicCommon,
      attributes: z
        .strictObject({
          timeout: milliseconds.default(0).meta({ description: 'wait before the TCP reset, ms' }),
        })
        .default({ timeout: 0 }),
    }),
    z.strictObject({
      type: z.literal('slicer'),
      ...toxicCommon,
      attributes: z.strictObject({
        average_size: z.int().positive().meta({ description: 'average bytes per slice' }),
        size_variation: z.int().nonnegative().default(0).meta({ description: '± bytes around the average' }),
        delay: z.int().nonnegative().default(0).meta({ description: 'pause after each slice, microseconds' }),
      }),
    }),
    z.strictObject({
      type: z.literal('limit_data'),
      ...toxicCommon,
      attributes: z.strictObject({
        bytes: z.int().nonnegative().meta({ description: 'bytes let through per direction before closing' }),
      }),
    }),
    z.strictObject({
      type: z.literal('noop'),
      ...toxicCommon,
      attributes: z.strictObject({}).default({}),
    }),
  ],
  {
    error:
      'expected a toxic type: latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data or noop',
  },
);

const toxiproxyName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, dots, dashes and underscores');

/**
 * A network fault: a toxic on a Toxiproxy proxy in front of a dependency. Without `toxiproxy.url`
 * the harness runs its embedded Toxiproxy-compatible server; with one it drives that server and
 * removes only what the drill created (never a reset).
 *
 * With `release`, the fault arrives with a candidate release (or config change) that routes
 * `dependency` through the proxy: rolling that release back is the remediation. Without it, the toxic
 * is the fault on its own and removing it is the remediation.
 */
export const toxicFaultConfig = z
  .strictObject({
    type: z.literal('toxic'),
    dependency: toxiproxyName.optional().meta({
      description:
        "the target's dependency the proxy fronts, e.g. payments; proxy.upstream may then be left out: the target says where it listens",
    }),
    proxy: z.strictObject({
      name: toxiproxyName.meta({
        description: 'the proxy name; an existing proxy of that name is used as it is',
      }),
      listen: z
        .string()
        .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:0')
        .default('127.0.0.1:0')
        .meta({ description: 'where the proxy listens; port 0 picks a free port' }),
      upstream: z
        .string()
        .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'expected host:port of the dependency')
        .optional()
        .meta({
          description:
            'the dependency the proxy forwards to; default: where the target says `dependency` listens',
        }),
    }),
    toxic: toxicSpec,
    release: z
      .strictObject({
        version: z.string().min(1).meta({ description: 'the candidate version to deploy' }),
      })
      .optional()
      .meta({
        description:
          'the candidate release that arrives with the fault: deployed with `dependency` routed through the proxy; rolling it back is the remediation',
      }),
    toxiproxy: z
      .strictObject({
        url: z
          .url({ protocol: /^https?$/, error: 'expected the Toxiproxy API URL, e.g. http://toxiproxy:8474' })
          .meta({ description: 'a Toxiproxy API to drive instead of the embedded server' }),
      })
      .optional(),
  })
  .superRefine((fault, ctx) => {
    if (fault.proxy.upstream === undefined && fault.dependency === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['proxy', 'upstream'],
        message:
          "expected proxy.upstream (the dependency's host:port), or `dependency:` naming a dependency of the target",
      });
    }
    if (fault.release !== undefined && fault.dependency === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['dependency'],
        message:
          'a fault that arrives with a release needs `dependency:`, the dependency that release routes through the proxy',
      });
    }
  });

export const faultConfig = z.discriminatedUnion('type', [releaseFaultConfig, toxicFaultConfig], {
  error: 'expected a fault block with type: release or toxic',
});
export type FaultConfig = z.output<typeof faultConfig>;
export type ReleaseFaultConfig = z.output<typeof releaseFaultConfig>;
export type ToxicFaultConfig = z.output<typeof toxicFaultConfig>;
/** The toxic block of a toxic fault, after defaults. */
export type ToxicSpec = z.output<typeof toxicSpec>;
