/** `rollback-drill history`: text and JSON output, filters, --since, and unreadable records on stderr. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import {
  historyCommand,
  registerHistoryCommand,
  type HistoryCommandOptions,
} from '../../../harness/cli/history.js';
import type { CliIo } from '../../../harness/cli/io.js';
import { UserError } from '../../../harness/core/errors.js';
import { parseSince } from '../../../harness/store/history.js';
import { recordFor, SHOP_AND_API, writeRecord } from './history-fixtures.js';

const NOW = Date.parse('2026-11-22T00:00:00.000Z');
let runsDir: string;

function captureIo(): CliIo & { out: string; err: string; code: number | undefined } {
  const io = {
    out: '',
    err: '',
    code: undefined as number | undefined,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    setExitCode: (c: number) => void (io.code = c),
    stderrIsTTY: false,
  };
  return io;
}

beforeEach(() => {
  runsDir = mkdtempSync(join(tmpdir(), 'history-cli-'));
  for (const spec of SHOP_AND_API) writeRecord(runsDir, recordFor(spec));
  mkdirSync(join(runsDir, '20261121T000000Z-broken-0bad'));
  writeFileSync(
    join(runsDir, '20261121T000000Z-broken-0bad', 'run.json'),
    '{"apiVersion": "rollback-drill/run/v1", "runId": "20',
  );
});
afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

const base: HistoryCommandOptions = { runs: '', json: false };

describe('history command', () => {
  it('prints per service the results, success rate and p50/p95 of each phase, and warns about the corrupt record', async () => {
    const io = captureIo();
    const code = await historyCommand({ ...base, runs: runsDir }, io, NOW);
    expect(code).toBe(0);
    expect(io.out).toContain('5 runs; 1 unreadable record skipped');
    expect(io.out).toContain('shop — 4 runs: 2 passed, 1 failed, 1 aborted · success 66.7% (2/3)');
    expect(io.out).toContain('api — 1 run: 1 passed, 0 failed · success 100.0% (1/1)');
    // shop's table, hand-checked in history-stats.test.ts
    expect(io.out).toMatch(
      /phase\s+n\s+p50\s+p95\n\s+detect\s+4\s+2s\s+4s\n\s+decide\s+3\s+0\.5s\s+1s\n\s+roll back\s+3\s+2s\s+10s\n\s+recover\s+2\s+4s\s+5s/,
    );
    expect(io.err).toMatch(/warning: skipped .*20261121T000000Z-broken-0bad\/run\.json: not valid JSON/);
  });

  it('adds a line per scenario when a service has several', async () => {
    const [first] = SHOP_AND_API;
    if (!first) throw new Error('fixture');
    writeRecord(
      runsDir,
      recordFor({
        ...first,
        id: '20261121T010000Z-shop-latency-0007',
        scenario: 'shop-latency',
        startedAt: '2026-11-21T01:00:00.000Z',
      }),
    );
    const io = captureIo();
    await historyCommand({ ...base, runs: runsDir }, io, NOW);
    expect(io.out).toContain('shop — 5 runs: 3 passed, 1 failed, 1 aborted · success 75.0% (3/4)');
    expect(io.out).toContain(
      '  · shop-bad-release: 4 runs: 2 passed, 1 failed, 1 aborted · success 66.7% (2/3)',
    );
    expect(io.out).toContain('  · shop-latency: 1 run: 1 passed, 0 failed · success 100.0% (1/1)');
    expect(io.out).not.toContain('· api-bad-release');
  });

  it('filters by service and --since (a duration back from now)', async () => {
    const io = captureIo();
    // 2026-11-22 minus 10 days = 2026-11-12: only shop's aborted run of 11-15 remains
    await historyCommand({ ...base, runs: runsDir, service: 'shop', since: '10d' }, io, NOW);
    expect(io.out).toContain('1 run (service shop, since 2026-11-12T00:00:00.000Z (last 10d))');
    expect(io.out).toContain('shop — 1 run: 0 passed, 0 failed, 1 aborted · success —');
    expect(io.out).not.toContain('api —');
  });

  it('prints JSON with the same figures', async () => {
    const io = captureIo();
    await historyCommand({ ...base, runs: runsDir, json: true, since: '2026-11-01' }, io, NOW);
    const json = JSON.parse(io.out) as {
      filter: Record<string, unknown>;
      services: { service: string; stats: { successRatio: number; phases: Record<string, unknown> } }[];
      runs: unknown[];
      unreadable: { folder: string }[];
    };
    expect(json.filter).toMatchObject({ since: '2026-11-01T00:00:00.000Z', sinceText: '2026-11-01' });
    expect(json.runs).toHaveLength(5);
    const shop = json.services.find((s) => s.service === 'shop');
    expect(shop?.stats.successRatio).toBeCloseTo(2 / 3, 12);
    expect(shop?.stats.phases['timeToRollbackSeconds']).toEqual({ count: 3, p50: 2, p95: 10 });
    expect(json.unreadable.map((u) => u.folder)).toEqual(['20261121T000000Z-broken-0bad']);
  });

  it('says so when nothing matches, and handles a missing runs directory', async () => {
    const io = captureIo();
    await historyCommand({ ...base, runs: join(runsDir, 'nope') }, io, NOW);
    expect(io.out).toContain('0 runs');
    expect(io.out).toContain('no runs match');
  });

  it('registers as a commander command with its options', async () => {
    const io = captureIo();
    const program = new Command().exitOverride();
    registerHistoryCommand(program, io, () => NOW);
    await program.parseAsync(['history', '--runs', runsDir, '--result', 'failed', '--json'], {
      from: 'user',
    });
    expect(io.code).toBe(0);
    expect((JSON.parse(io.out) as { runs: { runId: string }[] }).runs.map((r) => r.runId)).toEqual([
      '20261110T100000Z-shop-bad-release-0003',
    ]);
  });
});

describe('parseSince', () => {
  it('takes durations back from now and ISO dates, and refuses anything else', () => {
    expect(parseSince('30d', NOW)).toBe(NOW - 30 * 86_400_000);
    expect(parseSince('1d12h', NOW)).toBe(NOW - 36 * 3_600_000);
    expect(parseSince('2026-11-01', NOW)).toBe(Date.parse('2026-11-01T00:00:00.000Z'));
    expect(parseSince('2026-11-01T08:00:00Z', NOW)).toBe(Date.parse('2026-11-01T08:00:00Z'));
    expect(() => parseSince('last week', NOW)).toThrow(UserError);
    expect(() => parseSince('2026-13-45', NOW)).toThrow(/expected a duration back from now/);
  });
});
