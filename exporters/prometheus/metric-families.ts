/**
 * The three kinds of drill metric family — gauge, counter, histogram — with prom-client's semantics
 * and method names (set, inc, observe, zero, remove, reset), stored per scenario partition
 * (partitioned-family.ts) so a scrape re-renders only what changed.
 */
import {
  PartitionedFamily,
  type FamilyOptions,
  type FamilyValue,
  type LabelText,
  type LabelValues,
} from './partitioned-family.js';
import { formatValue } from './text-format.js';

function checkNumber(name: string, value: number): void {
  if (typeof value !== 'number') throw new TypeError(`${name}: value is not a number: ${String(value)}`);
}

export class GaugeFamily<L extends string> extends PartitionedFamily<L, { value: number }> {
  readonly type = 'gauge' as const;

  set(labels: LabelValues<L>, value: number): void {
    checkNumber(this.name, value);
    this.write(
      labels,
      () => ({ value }),
      (state) => void (state.value = value),
    );
  }

  inc(labels: LabelValues<L>, by = 1): void {
    checkNumber(this.name, by);
    this.write(
      labels,
      () => ({ value: 0 }),
      (state) => void (state.value += by),
    );
  }

  protected lines(state: { value: number }, labels: LabelText): string {
    return `\n${this.name}${labels.closed} ${formatValue(state.value)}`;
  }

  protected values(labels: Readonly<Record<string, string>>, state: { value: number }): FamilyValue[] {
    return [{ labels: { ...labels }, value: state.value }];
  }
}

export class CounterFamily<L extends string> extends PartitionedFamily<L, { value: number }> {
  readonly type = 'counter' as const;

  inc(labels: LabelValues<L>, by = 1): void {
    checkNumber(this.name, by);
    if (!(by >= 0)) throw new Error(`${this.name}: a counter cannot be increased by ${by}`);
    this.write(
      labels,
      () => ({ value: 0 }),
      (state) => void (state.value += by),
    );
  }

  protected lines(state: { value: number }, labels: LabelText): string {
    return `\n${this.name}${labels.closed} ${formatValue(state.value)}`;
  }

  protected values(labels: Readonly<Record<string, string>>, state: { value: number }): FamilyValue[] {
    return [{ labels: { ...labels }, value: state.value }];
  }
}

interface HistogramState {
  /** Observations per bucket, not cumulative: counts[i] fell in (bounds[i-1], bounds[i]]. */
  readonly counts: number[];
  sum: number;
  count: number;
}

export class HistogramFamily<L extends string> extends PartitionedFamily<L, HistogramState> {
  readonly type = 'histogram' as const;
  readonly buckets: readonly number[];

  constructor(options: FamilyOptions<L> & { readonly buckets: readonly number[] }) {
    super(options);
    const sorted = [...options.buckets].sort((a, b) => a - b);
    if (sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1])))
      throw new Error(`${options.name}: buckets must be finite and distinct`);
    this.buckets = sorted;
  }

  observe(labels: LabelValues<L>, value: number): void {
    checkNumber(this.name, value);
    const bucket = this.buckets.findIndex((bound) => value <= bound);
    this.write(
      labels,
      () => this.empty(),
      (state) => {
        if (bucket >= 0) state.counts[bucket] = (state.counts[bucket] ?? 0) + 1;
        state.sum += value;
        state.count += 1;
      },
    );
  }

  /** Sets the series to no observations, creating it when absent (prom-client's `zero`). */
  zero(labels: LabelValues<L>): void {
    this.write(
      labels,
      () => this.empty(),
      (state) => {
        state.counts.fill(0);
        state.sum = 0;
        state.count = 0;
      },
    );
  }

  private empty(): HistogramState {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }

  protected lines(state: HistogramState, labels: LabelText): string {
    const bucket = `\n${this.name}_bucket${labels.open}le="`;
    let text = '';
    let cumulative = 0;
    this.buckets.forEach((bound, i) => {
      cumulative += state.counts[i] ?? 0;
      text += `${bucket}${bound}"} ${cumulative}`;
    });
    text += `${bucket}+Inf"} ${state.count}`;
    text += `\n${this.name}_sum${labels.closed} ${formatValue(state.sum)}`;
    text += `\n${this.name}_count${labels.closed} ${state.count}`;
    return text;
  }

  protected values(labels: Readonly<Record<string, string>>, state: HistogramState): FamilyValue[] {
    const values: FamilyValue[] = [];
    let cumulative = 0;
    this.buckets.forEach((bound, i) => {
      cumulative += state.counts[i] ?? 0;
      values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: `${this.name}_bucket` });
    });
    values.push({ labels: { ...labels, le: '+Inf' }, value: state.count, metricName: `${this.name}_bucket` });
    values.push({ labels: { ...labels }, value: state.sum, metricName: `${this.name}_sum` });
    values.push({ labels: { ...labels }, value: state.count, metricName: `${this.name}_count` });
    return values;
  }
}
