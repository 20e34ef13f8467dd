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

export const trafficConfig = z.discriminatedUnion('type', [builtinTrafficConfig], {
  error: 'expected a traffic block with type: builtin',
});
export type TrafficConfig = z.output<typeof trafficConfig>;
export type BuiltinTrafficConfig = z.output<typeof builtinTrafficConfig>;
