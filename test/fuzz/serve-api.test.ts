/**
 * Seeded fuzzing of the serve daemon's HTTP API (with fake drills): bad JSON, oversized bodies,
 * path traversal in run ids and report names, wrong content types and tokens. Every answer must be a
 * 2xx/4xx with a JSON error body for each failure — never a 5xx —, nothing outside the runs folder
 * may be read or written, and the daemon must keep serving. Bounded by a count and a time budget.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../harness/core/random.js';
import { isValidRunId } from '../../harness/store/run-store.js';
import { startServeHarness, TOKEN, type ServeHarness } from '../integration/server/serve-harness.js';
import { pick } from './mutations.js';

const SEED = 0x5e7e;
const REQUESTS = 800;
const BUDGET_MS = 5_000;

const TRAVERSALS = [
  '..',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2fetc',
  '....//....//etc',
  'a%00b',
  '.hidden',
  '%2Fetc%2Fpasswd',
  'x'.repeat(300),
  '%E4%B8%AD',
  '~root',
  'C:%5Cwindows',
  '%252e%252e',
];
const FORMATS = [
  'md',
  'html',
  'junit',
  'json',
  '',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  'md%00.html',
  '../../run.json',
];
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  '',
];
const WEIRD: unknown[] = [
  null,
  0,
  -1,
  1e308,
  '',
  'x',
  'alpha',
  '../alpha',
  'a'.repeat(5000),
  true,
  [],
  {},
  [{}],
  { $ne: null },
  { __proto__: { polluted: true } },
];

let serve: ServeHarness;
let runId = '';
beforeAll(async () => {
  serve = await startServeHarness();
  const started = await serve.request('POST', '/api/runs', { body: { scenario: 'alpha' } });
  runId = String(started.json['runId']);
});
afterAll(async () => serve.stop());

describe('serve API fuzzing', () => {
  it(`answers ${REQUESTS} seeded hostile requests without a 5xx, a leak or a write outside the runs folder`, async () => {
    const random = createRandom(SEED);
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    const started = Date.now();
    let sent = 0;
    for (; sent < REQUESTS && Date.now() - started < BUDGET_MS; sent++) {
      const id = random() < 0.3 ? runId : pick(random, TRAVERSALS);
      const path = pick(random, [
        '/api/runs',
        `/api/runs/${id}`,
        `/api/runs/${id}/report?format=${pick(random, FORMATS)}`,
        `/api/runs/${id}/abort`,
        `/api/runs/${id}/marks`,
        `/api/runs?service=${pick(random, TRAVERSALS)}&limit=${pick(random, ['-1', '1e9', 'x', '10'])}&offset=${pick(random, ['-5', 'NaN', '0'])}`,
        '/api/scenarios',
        `/api/scenarios/${pick(random, TRAVERSALS)}`,
        '/healthz',
        `/${pick(random, TRAVERSALS)}`,
      ]);
      const method = pick(random, ['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH']);
      let body: string | undefined;
      const headers: Record<string, string> = {};
      if (method !== 'GET') {
        const kind = Math.floor(random() * 5);
        const object =
          random() < 0.5
            ? { scenario: pick(random, ['alpha', 'beta', 'gamma', ...WEIRD.map(String)]) }
            : {
                kind: pick(random, ['detected', 'decided', 'x', ...WEIRD.map(String)]),
                by: pick(random, WEIRD),
                note: pick(random, WEIRD),
                reason: pick(random, WEIRD),
              };
        body =
          kind === 0
            ? JSON.stringify(object)
            : kind === 1
              ? `${JSON.stringify(object).slice(0, -2)}`
              : kind === 2
                ? JSON.stringify({ ...object, pad: 'p'.repeat(20_000) }) // over the 16 KiB limit
                : kind === 3
                  ? JSON.stringify(pick(random, WEIRD))
                  : '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]';
        const type = random() < 0.5 ? 'application/json' : pick(random, CONTENT_TYPES);
        if (type) headers['content-type'] = type;
      }
      const token = random() < 0.85 ? TOKEN : random() < 0.5 ? null : 'wrong-token';
      let answer: Awaited<ReturnType<ServeHarness['request']>>;
      try {
        answer = await serve.request(method, path, {
          ...(body !== undefined ? { body } : {}),
          token,
          headers,
        });
      } catch (error) {
        problems.push(`#${sent} ${method} ${path}: no answer (${(error as Error).message})`);
        continue;
      }
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const where = `#${sent} ${method} ${path.slice(0, 80)} ${headers['content-type'] ?? ''} ${String(body).slice(0, 60)} → ${answer.status} ${answer.text.slice(0, 160)}`;
      if (answer.status >= 500) problems.push(`server error: ${where}`);
      if (answer.status >= 400 && typeof answer.json['error'] !== 'string')
        problems.push(`not a JSON error: ${where}`);
      if (/root:.*:0:0:/.test(answer.text)) problems.push(`leaked /etc/passwd: ${where}`);
    }
    const ms = Date.now() - started;
    console.log(
      `serve API fuzz: ${sent} requests in ${ms} ms (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ${problems.length} problems`,
    );
    expect(problems).toEqual([]);
    // Nothing was created beside the runs and scenarios folders, and only run folders inside the first.
    expect(readdirSync(dirname(serve.runsDir)).sort()).toEqual(['runs', 'scenarios']);
    expect(readdirSync(serve.runsDir).filter((name) => !isValidRunId(name))).toEqual([]);
    expect((await serve.request('GET', '/healthz')).status).toBe(200);
    expect(sent).toBeGreaterThan(100);
  });
});
