/**
 * The weighted request mix of the builtin generator. Everything that can be prepared once (JSON body
 * text, headers, the endpoint label) is prepared once, so choosing a request costs one random number
 * and a binary search, whatever the rate.
 */
import type { BuiltinTrafficConfig } from '../scenario/schema/traffic.js';

export type HttpMethod = BuiltinTrafficConfig['requests'][number]['method'];

/** A request ready to send: path relative to the target's base URL. */
export interface PreparedRequest {
  readonly method: HttpMethod;
  readonly path: string;
  /** Serialized JSON, when the scenario gives a body. */
  readonly body?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A short label for outcomes, e.g. `POST /api/checkout`. */
  readonly endpoint: string;
}

export interface RequestMix {
  readonly requests: readonly PreparedRequest[];
  /** Picks the next request according to the weights. */
  next(): PreparedRequest;
}

type RequestSpec = BuiltinTrafficConfig['requests'][number];

export function prepareRequest(spec: RequestSpec): PreparedRequest {
  const endpoint = `${spec.method} ${spec.path}`;
  if (spec.body === undefined) return { method: spec.method, path: spec.path, headers: {}, endpoint };
  return {
    method: spec.method,
    path: spec.path,
    body: JSON.stringify(spec.body),
    headers: { 'content-type': 'application/json' },
    endpoint,
  };
}

/**
 * Builds a mix that picks each request with probability weight / total weight, driven by `random`
 * (a seeded generator from harness/core/random.ts, so the sequence repeats for a given seed).
 */
export function createRequestMix(specs: readonly RequestSpec[], random: () => number): RequestMix {
  if (specs.length === 0) throw new Error('a request mix needs at least one request');
  const requests = specs.map(prepareRequest);
  // Cumulative weights: request i is chosen when a draw in [0, total) falls below cumulative[i].
  const cumulative: number[] = [];
  let total = 0;
  for (const spec of specs) {
    if (!(spec.weight > 0) || !Number.isFinite(spec.weight))
      throw new Error(`request weight must be a positive number, got ${spec.weight}`);
    total += spec.weight;
    cumulative.push(total);
  }
  const only = requests.length === 1 ? requests[0] : undefined;
  return {
    requests,
    next(): PreparedRequest {
      // One request: no draw, so the sequence of a single-request mix never depends on the seed.
      if (only) return only;
      const draw = random() * total;
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (draw < (cumulative[mid] ?? total)) high = mid;
        else low = mid + 1;
      }
      const chosen = requests[low];
      if (!chosen) throw new Error(`request mix index ${low} out of range`); // cannot happen: low < length
      return chosen;
    },
  };
}
