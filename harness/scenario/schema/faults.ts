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

/**
 * A network fault: a toxic on a Toxiproxy proxy in front of a dependency. Without `toxiproxy.url`
 * the harness runs its embedded Toxiproxy-compatible server; with one it drives that server and
 * removes only what the drill created (never a reset).
 */
export const toxicFaultConfig = z.strictObject({
  type: z.literal('toxic'),
  proxy: z.strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, dots, dashes and underscores')
      .meta({ description: 'the proxy name; an existing proxy of that name is used as it is' }),
    listen: z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:0')
      .default('127.0.0.1:0')
      .meta({ description: 'where the proxy listens; port 0 picks a free port' }),
    upstream: z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'expected host:port of the dependency')
      .meta({ description: 'the dependency the proxy forwards to' }),
  }),
  toxic: toxicSpec,
  toxiproxy: z
    .strictObject({
      url: z
        .url({ protocol: /^https?$/, error: 'expected the Toxiproxy API URL, e.g. http://toxiproxy:8474' })
        .meta({ description: 'a Toxiproxy API to drive instead of the embedded server' }),
    })
    .optional(),
});

export const faultConfig = z.discriminatedUnion('type', [releaseFaultConfig, toxicFaultConfig], {
  error: 'expected a fault block with type: release or toxic',
});
export type FaultConfig = z.output<typeof faultConfig>;
export type ReleaseFaultConfig = z.output<typeof releaseFaultConfig>;
export type ToxicFaultConfig = z.output<typeof toxicFaultConfig>;
/** The toxic block of a toxic fault, after defaults. */
export type ToxicSpec = z.output<typeof toxicSpec>;
