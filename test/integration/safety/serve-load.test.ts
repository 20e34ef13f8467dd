/**
 * Load: the serve daemon under concurrent API requests and /metrics scrapes while drills (fake ones,
 * driven by the test) start and finish. Bounded rounds on loopback: every drill started is listed
 * with its final result (no run lost), every request is answered, and the heap after a forced GC
 * does not grow from round to round.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServeHarness, type ServeHarness } from '../server/serve-harness.js';

const ROUNDS = 5;
const READS_PER_ROUND = 150;
const SCRAPES_PER_ROUND = 50;

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

let serve: ServeHarness;
beforeAll(async () => {
  serve = await startServeHarness();
});
afterAll(async () => serve.stop());

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

it(`${ROUNDS} rounds of drills with ${READS_PER_ROUND + SCRAPES_PER_ROUND} concurrent requests each: nothing lost, bounded memory`, async () => {
  const started: string[] = [];
  const heaps: number[] = [];
  let requests = 0;
  const t0 = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    // Two drills at once on two different targets (alpha: shop, gamma: api).
    const runIds: string[] = [];
    for (const scenario of ['alpha', 'gamma']) {
      const response = await serve.request('POST', '/api/runs', { body: { scenario } });
      expect(response.status, response.text).toBe(202);
      runIds.push(String(response.json['runId']));
    }
    started.push(...runIds);
    const reads = Array.from({ length: READS_PER_ROUND }, (_, i) =>
      i % 3 === 0
        ? serve.request('GET', `/api/runs/${runIds[i % 2]}`)
        : serve.request('GET', `/api/runs?limit=${1 + (i % 20)}`),
    );
    const scrapes = Array.from({ length: SCRAPES_PER_ROUND }, () => serve.request('GET', '/metrics'));
    const answers = await Promise.all([...reads, ...scrapes]);
    requests += answers.length;
    expect(answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.text.slice(0, 100)}`)).toEqual(
      [],
    );
    const finished = runIds.map((runId) => serve.finished(runId));
    for (const runId of runIds) serve.drills.finish(runId, 'passed');
    for (const record of await Promise.all(finished)) expect(record?.result).toBe('passed');
    heaps.push(heapMb());
  }
  const ms = Date.now() - t0;
  const listing = await serve.request('GET', '/api/runs?limit=100');
  const listed = (listing.json['runs'] as { runId: string; status: string }[]).filter((r) =>
    started.includes(r.runId),
  );
  console.log(
    `serve load: ${requests} requests + ${started.length} drills in ${ms} ms (${Math.round((requests * 1000) / ms)} req/s); ` +
      `heap after GC per round ${heaps.map((h) => h.toFixed(1)).join(', ')} MB`,
  );
  expect(listed.map((r) => r.status)).toEqual(started.map(() => 'passed'));
  expect(listing.json['unreadableRecords']).toBe(0);
  // Growth from the second round on (the first one warms caches up) stays within a few MB.
  expect((heaps.at(-1) ?? 0) - (heaps[1] ?? 0)).toBeLessThan(10);
});
