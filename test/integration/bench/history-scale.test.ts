/** A tiny run of the history-scale benchmark: it writes real records, scans them all, and cleans up. */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { benchmarkHistoryScale } from '../../../harness/bench/history-scale.js';

describe('history-scale benchmark (smoke)', () => {
  it('reads every record it wrote, reports each goal, and leaves no folder behind', async () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('drill-history-bench-'));
    const lines: string[] = [];
    const section = await benchmarkHistoryScale(200, (line) => lines.push(line));
    expect(section.rows.map((row) => row.name)).toEqual([
      'history, cold (scan + index)',
      'history, warm (index)',
      'DORA (history index + compute)',
    ]);
    expect(section.rows[0]?.figure).toMatch(/\(200 runs\)$/);
    for (const row of section.rows) expect(typeof row.met).toBe('boolean');
    expect(section.method).toContain('median of 3');
    expect(lines).toContain('scale: writing 200 run records …');
    const after = readdirSync(tmpdir()).filter((name) => name.startsWith('drill-history-bench-'));
    expect(after).toEqual(before);
  }, 60_000);
});
