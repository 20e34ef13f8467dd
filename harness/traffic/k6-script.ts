/**
 * Writes the k6 script for a drill: an open-model arrival-rate scenario (constant, or ramping then
 * held), one request per iteration drawn from the scenario's weighted mix (seeded, so a drill repeats),
 * thresholds from the SLOs, and 4xx counted as successes like the builtin generator does. The script
 * is plain JavaScript checked with `// @ts-check` against @types/k6 (see the k6 tests), with every
 * scenario value embedded through JSON.stringify so no YAML text can become code.
 */
import type { Slos } from '../scenario/model.js';
import type { BuiltinTrafficConfig, K6TrafficConfig, TrafficRequest } from '../scenario/schema/traffic.js';
import { formatDurationMs } from '../core/errors.js';

/** What the script runs, whatever traffic block it came from. */
export interface K6Plan {
  readonly executor: 'constant-arrival-rate' | 'ramping-arrival-rate';
  readonly rate?: number;
  readonly startRate: number;
  readonly stages: readonly { readonly target: number; readonly durationMs: number }[];
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly timeoutMs: number;
  readonly requests: readonly TrafficRequest[];
  readonly seed: number;
}

export interface K6ScriptInput {
  readonly plan: K6Plan;
  /** Without SLOs the script has no thresholds. */
  readonly slos?: Slos;
  /** Shown in the header comment. */
  readonly scenarioName: string;
  readonly source: string;
  readonly harnessVersion: string;
  /** Baked-in default of BASE_URL; without it the script refuses to start unless BASE_URL is set. */
  readonly baseUrl?: string;
  /** Default of DRILL_DURATION: how long the (last) rate is held. */
  readonly durationMs: number;
}

/** The plan for a k6 or builtin traffic block (`rollback-drill k6` converts builtin scenarios too). */
export function k6PlanFrom(traffic: BuiltinTrafficConfig | K6TrafficConfig): K6Plan {
  const isK6 = traffic.type === 'k6';
  const executor = isK6 ? traffic.executor : 'constant-arrival-rate';
  const stages = isK6
    ? (traffic.stages ?? []).map((s) => ({ target: s.target, durationMs: s.duration }))
    : [];
  const rate = isK6 ? traffic.rate : traffic.rate;
  const startRate = isK6 ? traffic.startRate : 0;
  const peak =
    executor === 'constant-arrival-rate' ? (rate ?? 1) : Math.max(startRate, ...stages.map((s) => s.target));
  const preAllocatedVUs = (isK6 ? traffic.preAllocatedVUs : undefined) ?? Math.max(5, Math.ceil(peak * 0.5));
  const maxVUs =
    (isK6 ? traffic.maxVUs : undefined) ??
    Math.max(preAllocatedVUs, Math.ceil((peak * traffic.timeout) / 1000));
  return {
    executor,
    ...(executor === 'constant-arrival-rate' ? { rate: rate ?? 1 } : {}),
    startRate,
    stages,
    preAllocatedVUs,
    maxVUs,
    timeoutMs: traffic.timeout,
    requests: traffic.requests,
    seed: traffic.seed,
  };
}

/** SLOs as k6 thresholds: availability → http_req_failed rate, latency → http_req_duration p(N). */
export function thresholdsFor(slos: Slos): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {
    http_req_failed: [`rate<=${round(1 - slos.availability)}`],
  };
  if (slos.latency.length > 0) {
    thresholds.http_req_duration = slos.latency.map(
      (slo) => `p(${round(slo.percentile)})<=${round(slo.threshold)}`,
    );
  }
  return thresholds;
}

function round(value: number): number {
  return Number(value.toFixed(6));
}

/** k6 duration text: whole seconds or milliseconds, e.g. "2s", "1500ms". */
export function k6Duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}

export function renderK6Script(input: K6ScriptInput): string {
  const { plan } = input;
  const j = (value: unknown): string => JSON.stringify(value);
  const requests = plan.requests.map((r) => ({
    method: r.method,
    path: r.path,
    body: r.body === undefined ? null : JSON.stringify(r.body),
    name: `${r.method} ${r.path}`,
  }));
  const cumulative: number[] = [];
  let total = 0;
  for (const r of plan.requests) cumulative.push((total += r.weight));
  const gracefulStop = k6Duration(plan.timeoutMs + 1_000);
  const scenario =
    plan.executor === 'constant-arrival-rate'
      ? [
          `      executor: 'constant-arrival-rate',`,
          `      rate: ${j(plan.rate)},`,
          `      timeUnit: '1s',`,
          `      duration: DURATION,`,
        ]
      : [
          `      executor: 'ramping-arrival-rate',`,
          `      startRate: ${j(plan.startRate)},`,
          `      timeUnit: '1s',`,
          `      // The ramp, then its last rate held until the drill stops k6 (or DRILL_DURATION ends).`,
          `      stages: [`,
          ...plan.stages.map(
            (s) => `        { target: ${j(s.target)}, duration: ${j(k6Duration(s.durationMs))} },`,
          ),
          `        { target: ${j(plan.stages.at(-1)?.target ?? plan.startRate)}, duration: DURATION },`,
          `      ],`,
        ];
  return `// @ts-check
// k6 script for the rollback drill "${input.scenarioName.replace(/[^\w.-]/g, '_')}", written by rollback-drill ${input.harnessVersion}
// from ${input.source.replace(/[\r\n]/g, ' ')}. Regenerate it rather than edit it: rollback-drill k6 FILE -o script.js
//
// Run:  k6 run -e BASE_URL=https://shop.staging.example.com script.js
// Env:  BASE_URL (where requests go), DRILL_DURATION (how long the rate is held; default ${k6Duration(input.durationMs)})
// Thresholds come from the scenario's SLOs; crossing them during a drill is expected (exit code 99).
import http from 'k6/http';
import exec from 'k6/execution';

const BASE_URL = (__ENV.BASE_URL || ${j(input.baseUrl ?? '')}).replace(/\\/+$/, '');
if (!BASE_URL) throw new Error('set BASE_URL, e.g. k6 run -e BASE_URL=https://shop.staging.example.com script.js');
const DURATION = __ENV.DRILL_DURATION || ${j(k6Duration(input.durationMs))};

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    drill: {
${scenario.join('\n')}
      preAllocatedVUs: ${j(plan.preAllocatedVUs)},
      maxVUs: ${j(plan.maxVUs)},
      gracefulStop: ${j(gracefulStop)},
    },
  },
  thresholds: ${j(input.slos ? thresholdsFor(input.slos) : {})},
  // Only the tags rollback-drill reads: keeps the JSON output small.
  systemTags: ['status', 'method', 'name', 'scenario', 'error_code', 'expected_response'],
  discardResponseBodies: true,
};

// Like the builtin generator: a 4xx is the client's mistake, not the service failing.
http.setResponseCallback(http.expectedStatuses({ min: 100, max: 499 }));

/** @typedef {{ method: string, path: string, body: string | null, name: string }} DrillRequest */
/** @type {DrillRequest[]} */
const REQUESTS = ${j(requests)};
/** @type {number[]} */
const CUMULATIVE_WEIGHTS = ${j(cumulative)};
const TOTAL_WEIGHT = ${j(total)};
const SEED = ${j(plan.seed)};
const JSON_HEADERS = { 'content-type': 'application/json' };
const PARAMS = { timeout: ${j(k6Duration(plan.timeoutMs))} };

/**
 * A number in [0, 1) from the seed and the iteration number (a 32-bit mix): the same drill draws
 * the same request for the same iteration, whichever VU runs it.
 * @param {number} iteration
 * @returns {number}
 */
function draw(iteration) {
  let x = (SEED ^ Math.imul(iteration + 1, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}

/**
 * @param {number} iteration
 * @returns {DrillRequest}
 */
function pick(iteration) {
  const target = draw(iteration) * TOTAL_WEIGHT;
  for (let i = 0; i < REQUESTS.length; i++) if (target < CUMULATIVE_WEIGHTS[i]) return REQUESTS[i];
  return REQUESTS[REQUESTS.length - 1];
}

export default function () {
  const request = pick(exec.scenario.iterationInTest);
  http.request(request.method, BASE_URL + request.path, request.body, {
    ...PARAMS,
    headers: request.body === null ? {} : JSON_HEADERS,
    tags: { name: request.name },
  });
}
`;
}

/** "constant-arrival-rate 50 req/s" / "ramping-arrival-rate 0 → 10 → 50 req/s": for logs and describe(). */
export function describePlan(plan: K6Plan): string {
  if (plan.executor === 'constant-arrival-rate') return `constant-arrival-rate ${plan.rate ?? '?'} req/s`;
  const ramp = [plan.startRate, ...plan.stages.map((s) => s.target)].join(' → ');
  const length = formatDurationMs(plan.stages.reduce((sum, s) => sum + s.durationMs, 0));
  return `ramping-arrival-rate ${ramp} req/s over ${length}, then held`;
}
