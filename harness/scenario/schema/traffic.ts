import { z } from 'zod';
import { duration } from '../units.js';

const request = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  path: z.string().startsWith('/', 'expected a path starting with /'),
  weight: z.number().positive().default(1).meta({ description: 'relative share of the traffic' }),
  body: z.unknown().optional().meta({ description: 'JSON body, sent with content-type application/json' }),
});

/** The builtin open-model generator: constant arrival rate, latency from the scheduled start. */
export const builtinTrafficConfig = z.strictObject({
  type: z.literal('builtin'),
  rate: z.number().positive().max(100_000).meta({ description: 'requests per second (arrival rate)' }),
  timeout: duration.default(2_000).meta({ description: 'a request taking longer counts as a timeout error' }),
  maxInFlight: z
    .int()
    .positive()
    .default(512)
    .meta({ description: 'requests over this are dropped and counted' }),
  requests: z
    .array(request)
    .min(1)
    .default([{ method: 'GET', path: '/', weight: 1 }]),
  seed: z.int().default(1).meta({ description: 'seed of the request mix, for repeatable drills' }),
});

const rampStage = z.strictObject({
  target: z
    .number()
    .nonnegative()
    .meta({ description: 'requests per second reached at the end of the stage' }),
  duration: duration.meta({ description: 'how long the ramp to the target takes' }),
});

/**
 * k6 (https://k6.io) as the load generator: rollback-drill writes the script (arrival-rate executor,
 * thresholds from the SLOs, the request mix), runs the k6 binary from PATH and reads its JSON output
 * into the same per-second SLIs as the builtin generator. See docs/k6.md.
 */
export const k6TrafficConfig = z
  .strictObject({
    type: z.literal('k6'),
    executor: z
      .enum(['constant-arrival-rate', 'ramping-arrival-rate'])
      .default('constant-arrival-rate')
      .meta({ description: 'open-model k6 executor: a fixed rate, or stages that ramp it' }),
    rate: z
      .number()
      .positive()
      .max(100_000)
      .optional()
      .meta({ description: 'constant-arrival-rate: requests per second' }),
    startRate: z
      .number()
      .nonnegative()
      .default(0)
      .meta({ description: 'ramping-arrival-rate: requests per second at the start' }),
    stages: z.array(rampStage).min(1).optional().meta({
      description: 'ramping-arrival-rate: the ramp; the last target is then held until the drill ends',
    }),
    preAllocatedVUs: z
      .int()
      .positive()
      .optional()
      .meta({ description: 'default: the peak rate × 0.5 s, at least 5' }),
    maxVUs: z.int().positive().optional().meta({
      description: 'default: the peak rate × the timeout; short of VUs, k6 drops iterations (counted)',
    }),
    timeout: duration
      .default(2_000)
      .meta({ description: 'a request taking longer fails (k6 request timeout)' }),
    requests: z
      .array(request)
      .min(1)
      .default([{ method: 'GET', path: '/', weight: 1 }]),
    seed: z.int().default(1).meta({ description: 'seed of the request mix, for repeatable drills' }),
    binary: z
      .string()
      .min(1)
      .default('k6')
      .meta({ description: 'the k6 program: a name looked up on PATH, or a path' }),
  })
  .superRefine((config, ctx) => {
    if (config.executor === 'constant-arrival-rate') {
      if (config.rate === undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'constant-arrival-rate needs a rate (requests per second)',
          path: ['rate'],
        });
      if (config.stages !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'stages are for executor: ramping-arrival-rate',
          path: ['stages'],
        });
    } else {
      if (config.stages === undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'ramping-arrival-rate needs stages: [{ target, duration }]',
          path: ['stages'],
        });
      if (config.rate !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'rate is for executor: constant-arrival-rate (use startRate and stages)',
          path: ['rate'],
        });
    }
    if (
      config.maxVUs !== undefined &&
      config.preAllocatedVUs !== undefined &&
      config.maxVUs < config.preAllocatedVUs
    ) {
      ctx.addIssue({ code: 'custom', message: 'maxVUs must be at least preAllocatedVUs', path: ['maxVUs'] });
    }
  });

export const trafficConfig = z.discriminatedUnion('type', [builtinTrafficConfig, k6TrafficConfig], {
  error: 'expected a traffic block with type: builtin or k6',
});
export type TrafficConfig = z.output<typeof trafficConfig>;
export type BuiltinTrafficConfig = z.output<typeof builtinTrafficConfig>;
export type K6TrafficConfig = z.output<typeof k6TrafficConfig>;
export type TrafficRequest = z.output<typeof request>;
