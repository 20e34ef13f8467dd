/**
 * The drill metric families and the scrape body built from their cached pages: the same semantics as
 * prom-client's own metrics, the same bytes as prom-client's renderer, never a stale page.
 */
import { Counter, Gauge, Histogram, Registry, type OpenMetricsContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  expositionPieces,
  renderExposition,
  sendExposition,
} from '../../../exporters/prometheus/exposition.js';
import {
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
} from '../../../exporters/prometheus/metric-families.js';
import { PARTITIONS_PER_PAGE } from '../../../exporters/prometheus/partitioned-family.js';
import { renderTextFormat, snapshotRegistry } from '../../../exporters/prometheus/text-format.js';
import { parseExposition } from '../../support/exposition.js';

type L = 'scenario' | 'service' | 'phase';
const LABELS: L[] = ['scenario', 'service', 'phase'];
const PARTITION: L[] = ['scenario', 'service'];
const BUCKETS = [0.5, 1, 5, 30];

/** Deterministic pseudo-random numbers (mulberry32), so a failing sequence can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ours(registry: Registry) {
  const options = { labelNames: LABELS, partitionBy: PARTITION, registry };
  return {
    gauge: new GaugeFamily<L>({
      name: 'x_phase_seconds',
      help: 'A gauge.\nWith "quotes" and \\.',
      ...options,
    }),
    counter: new CounterFamily<L>({ name: 'x_runs_total', help: 'A counter.', ...options }),
    histogram: new HistogramFamily<L>({
      name: 'x_took_seconds',
      help: 'A histogram.',
      buckets: BUCKETS,
      ...options,
    }),
  };
}

function promClients(registry: Registry) {
  const options = { labelNames: LABELS, registers: [registry] };
  return {
    gauge: new Gauge<L>({ name: 'x_phase_seconds', help: 'A gauge.\nWith "quotes" and \\.', ...options }),
    counter: new Counter<L>({ name: 'x_runs_total', help: 'A counter.', ...options }),
    histogram: new Histogram<L>({
      name: 'x_took_seconds',
      help: 'A histogram.',
      buckets: BUCKETS,
      ...options,
    }),
  };
}

/** Label values that need escaping, and a multi-byte one. */
const SCENARIOS = [
  'checkout',
  'say "hi"',
  'back\\slash',
  'two\nlines',
  'café',
  ...Array.from({ length: 35 }, (_, i) => `s${i}`),
];

type Op = (families: ReturnType<typeof ours> | ReturnType<typeof promClients>) => void;

function randomOp(random: () => number): { op: Op; what: string } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const labels = {
    scenario: pick(SCENARIOS),
    service: pick(['shop', 'api']),
    phase: pick(['fault', 'verify']),
  };
  const value = Math.round(random() * 4000) / 100;
  const roll = random();
  if (roll < 0.25)
    return { op: (f) => f.gauge.set(labels, value), what: `gauge.set ${JSON.stringify(labels)} ${value}` };
  if (roll < 0.35)
    return { op: (f) => f.gauge.inc(labels, value), what: `gauge.inc ${JSON.stringify(labels)}` };
  if (roll < 0.5)
    return { op: (f) => f.counter.inc(labels, value), what: `counter.inc ${JSON.stringify(labels)}` };
  if (roll < 0.7)
    return {
      op: (f) => f.histogram.observe(labels, value),
      what: `observe ${JSON.stringify(labels)} ${value}`,
    };
  if (roll < 0.75) return { op: (f) => f.histogram.zero(labels), what: `zero ${JSON.stringify(labels)}` };
  if (roll < 0.9) {
    // Chosen now, not when the op runs, so both sets of metrics get the same op.
    const kind = pick(['gauge', 'counter', 'histogram'] as const);
    return { op: (f) => f[kind].remove(labels), what: `${kind}.remove ${JSON.stringify(labels)}` };
  }
  if (roll < 0.995)
    return {
      // prom-client has no partition removal: remove each series of the partition one by one.
      op: (f) => {
        if (f.gauge instanceof GaugeFamily) f.gauge.removePartition(labels);
        else for (const phase of ['fault', 'verify']) f.gauge.remove({ ...labels, phase });
      },
      what: `removePartition ${JSON.stringify(labels)}`,
    };
  return { op: (f) => f.counter.reset(), what: 'counter.reset' };
}

function sortedSamples(text: string) {
  return parseExposition(text)
    .samples.map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())} ${s.value}`)
    .sort();
}

describe('partitioned metric families', () => {
  it('serve byte for byte what registry.metrics() renders, after every write of a random sequence', async () => {
    const registry = new Registry();
    const families = ours(registry);
    // A plain prom-client metric in the same registry, as the serve daemon has.
    const other = new Counter({ name: 'y_other_total', help: 'Not a drill family.', registers: [registry] });
    const random = seeded(20_261_122);
    const done: string[] = [];
    for (let step = 0; step < 600; step++) {
      const { op, what } = randomOp(random);
      op(families);
      if (step % 7 === 0) other.inc();
      done.push(what);
      if (step % 3 === 0)
        expect(await renderExposition(registry), done.slice(-5).join('\n')).toBe(await registry.metrics());
    }
    expect(families.gauge.seriesCount() + families.histogram.seriesCount()).toBeGreaterThan(10);
  });

  it("hold the same series and values as prom-client's own metrics given the same writes", async () => {
    const oursRegistry = new Registry();
    const theirsRegistry = new Registry();
    const a = ours(oursRegistry);
    const b = promClients(theirsRegistry);
    const random = seeded(7);
    for (let step = 0; step < 400; step++) {
      const { op } = randomOp(random);
      op(a);
      op(b);
    }
    const expected = sortedSamples(await theirsRegistry.metrics());
    expect(expected.length).toBeGreaterThan(50);
    expect(sortedSamples(await renderExposition(oursRegistry))).toEqual(expected);
  });

  it('reuse every unchanged page and re-render only the page that was written', async () => {
    const registry = new Registry();
    const { gauge } = ours(registry);
    const scenarios = Array.from({ length: PARTITIONS_PER_PAGE * 3 }, (_, i) => `scenario-${i}`);
    for (const scenario of scenarios) gauge.set({ scenario, service: 'shop', phase: 'fault' }, 1);
    const before = gauge.expositionChunks();
    expect(before).toHaveLength(4); // HELP/TYPE + three pages
    expect(gauge.expositionChunks()).toEqual(before);

    gauge.set({ scenario: scenarios[PARTITIONS_PER_PAGE + 3] ?? '', service: 'shop', phase: 'verify' }, 2);
    const after = gauge.expositionChunks();
    expect(after.map((chunk, i) => chunk === before[i])).toEqual([true, true, false, true]);
    expect(after[2]?.toString()).toContain('phase="verify"} 2');
  });

  it('keep a partition in its place when it is emptied and written again', async () => {
    const registry = new Registry();
    const { gauge } = ours(registry);
    for (const scenario of ['a', 'b', 'c']) gauge.set({ scenario, service: 'shop', phase: 'fault' }, 1);
    gauge.removePartition({ scenario: 'a', service: 'shop' });
    expect(await renderExposition(registry)).not.toContain('scenario="a"');
    gauge.set({ scenario: 'a', service: 'shop', phase: 'verify' }, 3);
    const scenarios = parseExposition(await renderExposition(registry)).samples.map(
      (s) => s.labels['scenario'],
    );
    expect(scenarios).toEqual(['a', 'b', 'c']);
    expect(await renderExposition(registry)).toBe(await registry.metrics());
  });

  it('give the Pushgateway path (getMetricsAsJSON) every bucket, sum and count', async () => {
    const registry = new Registry();
    const { histogram } = ours(registry);
    const labels = { scenario: 'checkout', service: 'shop' };
    histogram.observe(labels, 0.7);
    histogram.observe(labels, 12);
    const families = await snapshotRegistry(registry);
    const samples = families.find((f) => f.name === 'x_took_seconds')?.samples ?? [];
    expect(samples.map((s) => [s.name, s.labels['le'] ?? '', s.value])).toEqual([
      ['x_took_seconds_bucket', '0.5', 0],
      ['x_took_seconds_bucket', '1', 1],
      ['x_took_seconds_bucket', '5', 1],
      ['x_took_seconds_bucket', '30', 2],
      ['x_took_seconds_bucket', '+Inf', 2],
      ['x_took_seconds_sum', '', 12.7],
      ['x_took_seconds_count', '', 2],
    ]);
    expect(sortedSamples(renderTextFormat(families))).toEqual(
      sortedSamples(await renderExposition(registry)),
    );
  });

  it('refuse labels they were not declared with, writes without the partition labels, and negative counts', () => {
    const { gauge, counter } = ours(new Registry());
    expect(() => gauge.set({ scenario: 'a', service: 'b', run_id: 'x' } as never, 1)).toThrow(/run_id/);
    expect(() => gauge.set({ scenario: 'a' }, 1)).toThrow(/"service" is required/);
    expect(() => counter.inc({ scenario: 'a', service: 'b' }, -1)).toThrow(/cannot be increased by -1/);
    expect(() => gauge.set({ scenario: 'a', service: 'b' }, '1' as never)).toThrow(TypeError);
  });

  it('fall back to prom-client for an OpenMetrics registry', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    new CounterFamily<L>({
      name: 'x_runs_total',
      help: 'A counter.',
      labelNames: LABELS,
      partitionBy: PARTITION,
      registry,
    }).inc({ scenario: 'a', service: 'b' });
    const pieces = await expositionPieces(registry);
    expect(Buffer.concat(pieces).toString()).toBe(await registry.metrics());
  });
});

describe('sendExposition', () => {
  function fakeResponse() {
    const headers: Record<string, string | number> = {};
    const written: Buffer[] = [];
    let corked = 0;
    let ended = false;
    const response = {
      statusCode: 0,
      setHeader: (name: string, value: string | number) => void (headers[name] = value),
      cork: () => void (corked += 1),
      uncork: () => void (corked -= 1),
      write: (chunk: Buffer) => {
        if (corked !== 1) throw new Error('written while not corked');
        written.push(chunk);
        return true;
      },
      end: () => void (ended = true),
    };
    return { response, headers, body: () => Buffer.concat(written), ended: () => ended };
  }

  it('sends the registry with its content type and its length in bytes, and no body for HEAD', async () => {
    const registry = new Registry();
    ours(registry).gauge.set({ scenario: 'café', service: 'shop', phase: 'fault' }, 1);
    const get = fakeResponse();
    await sendExposition(registry, get.response as never);
    expect(get.response.statusCode).toBe(200);
    expect(get.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(get.body().toString()).toBe(await registry.metrics());
    expect(get.headers['content-length']).toBe(get.body().length);
    expect(get.body().length).toBeGreaterThan(get.body().toString().length); // é is two bytes
    expect(get.ended()).toBe(true);

    const head = fakeResponse();
    await sendExposition(registry, head.response as never, { head: true });
    expect(head.headers['content-length']).toBe(get.body().length);
    expect(head.body().length).toBe(0);
    expect(head.ended()).toBe(true);
  });
});
