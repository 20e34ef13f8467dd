/** What every benchmark reports: figures, each against its goal, with how it was measured. */
export interface GoalRow {
  readonly name: string;
  /** The measured figure, with its unit, e.g. "1.42 s" or "0.83× autocannon". */
  readonly figure: string;
  /** The goal in words, e.g. "≥ 0.80× autocannon"; "—" when the row is information only. */
  readonly goal: string;
  /** null for information-only rows. */
  readonly met: boolean | null;
}

export interface BenchSection {
  readonly title: string;
  /** How it was measured (peer, bound, duration, repetitions). */
  readonly method: string;
  readonly rows: readonly GoalRow[];
  /** Where the time goes when a goal is missed, or other notes (Markdown). */
  readonly analysis?: string;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
