/**
 * A metric family whose series are kept in partitions, one per scenario, and whose exposition text
 * is kept per page of partitions until one of the page's series is written.
 *
 * Why not prom-client's own metric objects: they keep one map per family and format every series
 * on every scrape, which took 540–1,100 ms for 1,000 scenarios (23 MB of text). Here a write marks
 * only its own page stale, so a scrape re-renders what changed since the last one and reuses the
 * rest (docs/metrics.md#what-a-scrape-costs). A cached page is exactly what a fresh render would
 * give: the stored series are only reachable through the methods of the families
 * (metric-families.ts), and every one of them that writes drops the page's text — no time-based
 * expiry is needed to keep it true.
 *
 * The families still register in a prom-client Registry and answer its `get()` / `reset()`, so
 * `registry.metrics()`, `getMetricsAsJSON()` (the Pushgateway path) and any other prom-client
 * metric in the same registry work as before.
 */
import type { Metric, Registry, RegistryContentType } from 'prom-client';

export type LabelValues<L extends string> = Readonly<Partial<Record<L, string>>>;
export type FamilyType = 'counter' | 'gauge' | 'histogram';

export interface FamilyOptions<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** The labels that choose a partition; every write must carry all of them. */
  readonly partitionBy: readonly L[];
  /** Registers the family here (as prom-client metrics register themselves). */
  readonly registry?: Registry<RegistryContentType>;
}

/** One sample as prom-client's `get()` returns it. */
export interface FamilyValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

export interface FamilySnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: FamilyType;
  readonly values: FamilyValue[];
  readonly aggregator: 'sum';
}

interface Series<S> {
  /** In `labelNames` order, only the labels the series was written with. */
  readonly labels: Readonly<Record<string, string>>;
  readonly state: S;
}

interface Partition<S> {
  readonly series: Map<string, Series<S>>;
  /** Which page of partitions it is rendered in (fixed: partitions keep their place). */
  readonly page: number;
}

/**
 * Partitions rendered together as one Buffer. One piece per partition would be ~50,000 writes (or
 * one 23 MB copy) per scrape at 1,000 scenarios; pages keep the pieces to a few hundred while a
 * change re-renders only its own page. Only pages are kept: keeping each partition's text as well
 * would double the memory (23 MB more at 1,000 scenarios) to save a few milliseconds per drill.
 */
export const PARTITIONS_PER_PAGE = 16;

export abstract class PartitionedFamily<L extends string, S> {
  abstract readonly type: FamilyType;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly aggregator = 'sum' as const;
  private readonly partitionBy: readonly L[];
  /** Partitions are never dropped (until reset), so each keeps its page. Emptied ones render nothing. */
  private readonly partitions = new Map<string, Partition<S>>();
  private readonly order: Partition<S>[] = [];
  /** Each page's rendered text; undefined when one of its partitions went stale. */
  private readonly pages: (Buffer | undefined)[] = [];
  /** HELP and TYPE; built on first use, as `type` is set by the subclass after this constructor. */
  private header: Buffer | undefined;

  constructor(options: FamilyOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = [...options.labelNames];
    this.partitionBy = [...options.partitionBy];
    const unknown = this.partitionBy.filter((name) => !this.labelNames.includes(name));
    if (unknown.length)
      throw new Error(`${this.name}: partition labels ${unknown.join(', ')} are not label names`);
    // prom-client's Registry only calls name, help, type, get() and reset() on what it holds; its
    // typings list its own classes, hence the cast.
    options.registry?.registerMetric(this as unknown as Metric);
  }

  /** Removes the one series with exactly these labels. */
  remove(labels: LabelValues<L>): void {
    const partition = this.partitions.get(this.partitionKey(labels));
    if (partition?.series.delete(this.seriesKey(labels))) this.stale(partition);
  }

  /** Removes every series of the partition these labels choose (extra labels are ignored). */
  removePartition(labels: LabelValues<L>): void {
    const partition = this.partitions.get(this.partitionKey(labels));
    if (!partition || partition.series.size === 0) return;
    partition.series.clear();
    this.stale(partition);
  }

  reset(): void {
    this.partitions.clear();
    this.order.length = 0;
    this.pages.length = 0;
  }

  /**
   * The family in the Prometheus text format, without a final newline, as pieces to be sent one
   * after the other: HELP and TYPE, then each page (which starts with a newline). Pieces are
   * reused until something in them changes.
   */
  expositionChunks(): Buffer[] {
    this.header ??= Buffer.from(
      `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}`,
    );
    const chunks = [this.header];
    for (let page = 0; page * PARTITIONS_PER_PAGE < this.order.length; page++) {
      const bytes = (this.pages[page] ??= this.renderPage(page));
      if (bytes.length) chunks.push(bytes);
    }
    return chunks;
  }

  /** The family as prom-client's registry renders it (`getSingleMetricAsString`). */
  exposition(): string {
    return Buffer.concat(this.expositionChunks()).toString('utf8');
  }

  /** prom-client's metric interface: what `registry.metrics()` and `getMetricsAsJSON()` read. */
  get(): Promise<FamilySnapshot> {
    const values: FamilyValue[] = [];
    for (const partition of this.order)
      for (const series of partition.series.values())
        values.push(...this.values(series.labels, series.state));
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    });
  }

  /** Number of series stored (a histogram series counts once, not per bucket). */
  seriesCount(): number {
    let count = 0;
    for (const partition of this.order) count += partition.series.size;
    return count;
  }

  /** The series' sample lines, each preceded by a newline. */
  protected abstract lines(state: S, labels: LabelText): string;
  protected abstract values(labels: Readonly<Record<string, string>>, state: S): FamilyValue[];

  /** Runs `change` on the series' state (created by `create` when absent) and marks it stale. */
  protected write(labels: LabelValues<L>, create: () => S, change: (state: S) => void): void {
    const partitionKey = this.partitionKey(labels);
    let partition = this.partitions.get(partitionKey);
    if (!partition) {
      partition = { series: new Map(), page: Math.floor(this.order.length / PARTITIONS_PER_PAGE) };
      this.partitions.set(partitionKey, partition);
      this.order.push(partition);
    }
    const key = this.seriesKey(labels);
    let series = partition.series.get(key);
    if (!series) {
      series = { labels: this.normalise(labels), state: create() };
      partition.series.set(key, series);
    }
    change(series.state);
    this.stale(partition);
  }

  private stale(partition: Partition<S>): void {
    this.pages[partition.page] = undefined;
  }

  /** The page's lines, each preceded by a newline (it follows HELP/TYPE or the page before). */
  private renderPage(page: number): Buffer {
    let text = '';
    const start = page * PARTITIONS_PER_PAGE;
    for (const partition of this.order.slice(start, start + PARTITIONS_PER_PAGE))
      for (const series of partition.series.values())
        text += this.lines(series.state, labelText(series.labels));
    return Buffer.from(text);
  }

  private partitionKey(labels: LabelValues<L>): string {
    return JSON.stringify(
      this.partitionBy.map((name) => {
        const value = labels[name];
        if (value === undefined) throw new Error(`${this.name}: label "${name}" is required`);
        return value;
      }),
    );
  }

  private seriesKey(labels: LabelValues<L>): string {
    for (const name of Object.keys(labels))
      if (!(this.labelNames as readonly string[]).includes(name))
        throw new Error(`${this.name}: label "${name}" is not one of ${this.labelNames.join(', ')}`);
    return JSON.stringify(this.labelNames.map((name) => labels[name] ?? null));
  }

  private normalise(labels: LabelValues<L>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.labelNames) {
      const value = labels[name];
      if (value !== undefined) out[name] = String(value);
    }
    return out;
  }
}

/** A series' rendered labels: `{a="x",b="y"` when it has labels, for adding `le` or closing. */
export interface LabelText {
  /** `{a="x"}` or '' without labels. */
  readonly closed: string;
  /** `{a="x",` or `{` — followed by one more label and `}`. */
  readonly open: string;
}

export function labelText(labels: Readonly<Record<string, string>>): LabelText {
  let inner = '';
  for (const name in labels) {
    const value = labels[name] ?? '';
    inner += `${inner ? ',' : ''}${name}="${NEEDS_ESCAPE.test(value) ? escapeLabelValue(value) : value}"`;
  }
  return { closed: inner ? `{${inner}}` : '', open: inner ? `{${inner},` : '{' };
}

const NEEDS_ESCAPE = /[\\\n"]/;

// The same escaping as prom-client's registry, so both renderings are byte for byte equal.
function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function escapeLabelValue(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}
