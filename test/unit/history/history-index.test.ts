/** Scanning a runs directory: corrupt and truncated records are skipped and reported; the index is a cache. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_INDEX_FILE, scanRunsDir } from '../../../harness/store/history-index.js';
import { recordFor, SHOP_AND_API, writeRecord } from './history-fixtures.js';

let runsDir: string;
beforeEach(() => {
  runsDir = mkdtempSync(join(tmpdir(), 'history-index-'));
});
afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

function writeRaw(folder: string, content: string): void {
  mkdirSync(join(runsDir, folder), { recursive: true });
  writeFileSync(join(runsDir, folder, 'run.json'), content);
}

function writeCorruptFixtures(): void {
  const valid = JSON.stringify(recordFor(SHOP_AND_API[0] ?? (undefined as never)), null, 2);
  writeRaw('20261102T000000Z-truncated-aaaa', valid.slice(0, Math.floor(valid.length / 2)));
  writeRaw('20261103T000000Z-garbage-bbbb', 'this is not json at all');
  writeRaw('20261104T000000Z-empty-cccc', '');
  writeRaw('20261105T000000Z-foreign-dddd', JSON.stringify({ hello: 'world' }));
  const wrongType = { ...recordFor(SHOP_AND_API[1] ?? (undefined as never)), result: 'exploded' };
  writeRaw('20261106T000000Z-bad-result-eeee', JSON.stringify(wrongType));
  mkdirSync(join(runsDir, '20261107T000000Z-in-progress-ffff')); // a run still going: no run.json
  mkdirSync(join(runsDir, '.hidden-temp'));
  writeFileSync(join(runsDir, 'stray-file.txt'), 'not a run folder');
}

describe('scanRunsDir', () => {
  it('returns nothing (and writes nothing) for a runs directory that does not exist', async () => {
    const scan = await scanRunsDir(join(runsDir, 'missing'));
    expect(scan).toMatchObject({ runs: [], unreadable: [], incomplete: [], recordsRead: 0 });
  });

  it('reads valid records oldest first, skips and reports each corrupt one, never throws', async () => {
    for (const spec of [...SHOP_AND_API].reverse()) writeRecord(runsDir, recordFor(spec));
    writeCorruptFixtures();
    const scan = await scanRunsDir(runsDir);
    expect(scan.runs.map((r) => r.runId)).toEqual(SHOP_AND_API.map((s) => s.id));
    expect(scan.runs[2]).toMatchObject({
      service: 'shop',
      result: 'failed',
      timeToRollbackSeconds: 10,
      rollbackSucceeded: false,
    });
    const problems = Object.fromEntries(scan.unreadable.map((u) => [u.folder, u.problem]));
    expect(Object.keys(problems)).toEqual([
      '20261102T000000Z-truncated-aaaa',
      '20261103T000000Z-garbage-bbbb',
      '20261104T000000Z-empty-cccc',
      '20261105T000000Z-foreign-dddd',
      '20261106T000000Z-bad-result-eeee',
    ]);
    expect(problems['20261102T000000Z-truncated-aaaa']).toMatch(/^not valid JSON \(truncated or corrupt\)/);
    expect(problems['20261103T000000Z-garbage-bbbb']).toMatch(/^not valid JSON/);
    expect(problems['20261104T000000Z-empty-cccc']).toMatch(/^not valid JSON/);
    expect(problems['20261105T000000Z-foreign-dddd']).toMatch(
      /^not a rollback-drill run record: apiVersion: /,
    );
    expect(problems['20261106T000000Z-bad-result-eeee']).toMatch(/result: /);
    expect(scan.unreadable[0]?.path).toBe(join(runsDir, '20261102T000000Z-truncated-aaaa', 'run.json'));
    expect(scan.incomplete).toEqual(['20261107T000000Z-in-progress-ffff']);
    expect(scan.recordsRead).toBe(10);
  });

  it('judges a record on the fields the history reads: a bad measurement is unreadable, odd SLI samples are not', async () => {
    const [first, second] = SHOP_AND_API;
    const base = recordFor(first ?? (undefined as never));
    const badMeasurement = {
      ...recordFor(second ?? (undefined as never)),
      measurements: { ...base.measurements, timeToDetectSeconds: 'soon' },
    };
    writeRaw('20261108T000000Z-bad-measurement-aaaa', JSON.stringify(badMeasurement));
    // The history never reads the SLI series, so it does not pay to validate them.
    writeRaw('20261109T000000Z-odd-samples-bbbb', JSON.stringify({ ...base, sli: { samples: 'elided' } }));
    const scan = await scanRunsDir(runsDir);
    expect(scan.unreadable.map((u) => [u.folder, u.problem])).toEqual([
      [
        '20261108T000000Z-bad-measurement-aaaa',
        expect.stringMatching(/^not a rollback-drill run record: measurements\.timeToDetectSeconds: /),
      ],
    ]);
    expect(scan.runs.map((r) => r.folder)).toEqual(['20261109T000000Z-odd-samples-bbbb']);
  });

  it('keeps an index so a second scan reads no record, and still reports the corrupt ones', async () => {
    for (const spec of SHOP_AND_API) writeRecord(runsDir, recordFor(spec));
    writeCorruptFixtures();
    const first = await scanRunsDir(runsDir);
    const index = JSON.parse(readFileSync(join(runsDir, HISTORY_INDEX_FILE), 'utf8')) as {
      apiVersion: string;
      entries: Record<string, unknown>;
    };
    expect(index.apiVersion).toBe('rollback-drill/history-index/v1');
    expect(Object.keys(index.entries)).toHaveLength(10);
    const second = await scanRunsDir(runsDir);
    expect(second.recordsRead).toBe(0);
    expect(second.runs).toEqual(first.runs);
    expect(second.unreadable).toEqual(first.unreadable);
  });

  it('re-reads a rewritten record, picks up new ones and forgets deleted ones', async () => {
    for (const spec of SHOP_AND_API) writeRecord(runsDir, recordFor(spec));
    await scanRunsDir(runsDir);
    const [first, second] = SHOP_AND_API;
    if (!first || !second) throw new Error('fixture');
    writeRecord(runsDir, recordFor({ ...first, result: 'failed', rollbackSucceeded: false }));
    rmSync(join(runsDir, second.id), { recursive: true });
    writeRecord(
      runsDir,
      recordFor({
        ...first,
        id: '20261121T000000Z-shop-bad-release-0006',
        startedAt: '2026-11-21T00:00:00.000Z',
      }),
    );
    const scan = await scanRunsDir(runsDir);
    expect(scan.recordsRead).toBe(2);
    expect(scan.runs.map((r) => [r.runId, r.result])).toEqual([
      ['20261101T100000Z-shop-bad-release-0001', 'failed'],
      ['20261110T100000Z-shop-bad-release-0003', 'failed'],
      ['20261115T100000Z-shop-bad-release-0004', 'aborted'],
      ['20261120T100000Z-api-bad-release-0005', 'passed'],
      ['20261121T000000Z-shop-bad-release-0006', 'passed'],
    ]);
    const index = JSON.parse(readFileSync(join(runsDir, HISTORY_INDEX_FILE), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    expect(Object.keys(index.entries)).not.toContain(second.id);
  });

  it('rebuilds from the run folders when the index itself is corrupt', async () => {
    for (const spec of SHOP_AND_API) writeRecord(runsDir, recordFor(spec));
    writeFileSync(
      join(runsDir, HISTORY_INDEX_FILE),
      '{"apiVersion": "rollback-drill/history-index/v1", "entr',
    );
    const scan = await scanRunsDir(runsDir);
    expect(scan.runs).toHaveLength(5);
    expect(scan.recordsRead).toBe(5);
    expect(scan.indexWarning).toBeUndefined();
    expect(
      () => JSON.parse(readFileSync(join(runsDir, HISTORY_INDEX_FILE), 'utf8')) as unknown,
    ).not.toThrow();
  });

  it('does not trust an index entry whose summary was tampered into another shape', async () => {
    for (const spec of SHOP_AND_API) writeRecord(runsDir, recordFor(spec));
    await scanRunsDir(runsDir);
    const path = join(runsDir, HISTORY_INDEX_FILE);
    const index = JSON.parse(readFileSync(path, 'utf8')) as {
      entries: Record<string, { summary: Record<string, unknown> }>;
    };
    const entry = index.entries[SHOP_AND_API[0]?.id ?? ''];
    if (!entry) throw new Error('fixture');
    entry.summary['result'] = 42;
    writeFileSync(path, JSON.stringify(index));
    const scan = await scanRunsDir(runsDir);
    expect(scan.recordsRead).toBe(5);
    expect(scan.runs[0]?.result).toBe('passed');
  });
});
