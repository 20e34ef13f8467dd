import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  formatValue,
  renderTextFormat,
  snapshotRegistry,
} from '../../../exporters/prometheus/text-format.js';
import { parseExposition } from '../../support/exposition.js';

describe('text format', () => {
  it("renders a registry to the same samples as prom-client's own exposition", async () => {
    const registry = new Registry();
    const histogram = new Histogram({
      name: 'x_seconds',
      help: 'h',
      labelNames: ['a'],
      buckets: [0.5, 1],
      registers: [registry],
    });
    histogram.observe({ a: '1' }, 0.7);
    new Counter({ name: 'x_total', help: 'c', labelNames: ['a'], registers: [registry] }).inc(
      { a: 'q"uo\\te\nnl' },
      3,
    );
    new Gauge({ name: 'x_ratio', help: 'multi\nline \\ help', registers: [registry] }).set(0.25);

    const ours = parseExposition(renderTextFormat(await snapshotRegistry(registry)));
    const theirs = parseExposition(await registry.metrics());
    expect(ours.samples).toEqual(theirs.samples);
    expect(ours.types).toEqual(theirs.types);
    expect(ours.help).toEqual({ x_seconds: 'h', x_total: 'c', x_ratio: 'multi\nline \\ help' });
    expect(ours.samples.find((s) => s.name === 'x_total')?.labels['a']).toBe('q"uo\\te\nnl');
  });

  it('writes special values the way Prometheus parses them', () => {
    expect([formatValue(Infinity), formatValue(-Infinity), formatValue(NaN), formatValue(1.5e21)]).toEqual([
      '+Inf',
      '-Inf',
      'NaN',
      '1.5e+21',
    ]);
    expect(renderTextFormat([])).toBe('');
  });
});
