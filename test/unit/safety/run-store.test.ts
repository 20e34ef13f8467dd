/**
 * Durable records: atomic writes leave a whole file or the old one, never a torn one or a temp file;
 * reading never crashes on a truncated, corrupt or foreign file — it says what is wrong, and listings
 * skip it; run ids can never point outside the runs folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../harness/store/atomic-write.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import {
  isValidRunId,
  listRuns,
  readRun,
  readRunRecord,
  runFolderOf,
  saveRun,
} from '../../../harness/store/run-store.js';
import { BAD, drive } from './drive.js';

let dir: string;
let record: RunRecord;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'run-store-'));
  record = (await drive({ errorRatioByVersion: BAD, rollbackTakesMs: 1_000 })).record;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run ids', () => {
  it.each([
    '../etc',
    '..',
    '/etc/passwd',
    'a/b',
    'a\\b',
    '.hidden',
    '',
    'a..b',
    'x'.repeat(201),
    'run\u0000id',
    'ok id',
  ])('refuses %j', (id) => {
    expect(isValidRunId(id)).toBe(false);
    expect(() => runFolderOf(dir, id)).toThrow(/not a run id/);
  });

  it('accepts the ids newRunId makes', () => {
    expect(runFolderOf(dir, '20261122T054500Z-demo-bad-release-1a2b')).toBe(
      join(dir, '20261122T054500Z-demo-bad-release-1a2b'),
    );
  });
});

describe('reading records', () => {
  it('reads a saved record back exactly', async () => {
    const saved = await saveRun(dir, record, '# report\n');
    const read = await readRunRecord(saved.recordPath);
    expect(read).toEqual({ ok: true, record });
    expect(await readRun(dir, record.runId)).toEqual({ ok: true, record });
  });

  it('reports a missing, truncated, corrupt or foreign record instead of throwing', async () => {
    const text = `${JSON.stringify(record, null, 2)}\n`;
    const cases: [string, string | Buffer, RegExp][] = [
      [
        'truncated.json',
        text.slice(0, Math.floor(text.length / 2)),
        /not valid JSON \(\d+ bytes; truncated or corrupt\)/,
      ],
      ['empty.json', '', /not valid JSON \(0 bytes/],
      ['binary.json', Buffer.from([0xff, 0xfe, 0x00, 0x01]), /not valid JSON/],
      ['foreign.json', JSON.stringify({ hello: 'world' }), /not a valid run record at apiVersion/],
      [
        'wrong-type.json',
        JSON.stringify({ ...record, durationSeconds: 'long' }),
        /not a valid run record at durationSeconds/,
      ],
    ];
    for (const [name, content, problem] of cases) {
      writeFileSync(join(dir, name), content);
      const read = await readRunRecord(join(dir, name));
      expect(read.ok, name).toBe(false);
      if (!read.ok) {
        expect(read.problem, name).toMatch(problem);
        expect(read.missing, name).toBe(false);
      }
    }
    const missing = await readRunRecord(join(dir, 'nope.json'));
    expect(missing).toMatchObject({ ok: false, missing: true });
  });

  it('lists valid runs, skips corrupt ones with the reason, and names unfinished ones', async () => {
    const runs = mkdtempSync(join(tmpdir(), 'run-list-'));
    try {
      await saveRun(runs, record, '# report\n');
      const corrupt = join(runs, '20261122T060000Z-corrupt-0001');
      mkdirSync(corrupt);
      writeFileSync(join(corrupt, 'run.json'), '{"apiVersion": "rollback-drill/run/v1", "runId": ');
      mkdirSync(join(runs, '20261122T060000Z-unfinished-0002'));
      mkdirSync(join(runs, '.hidden'));
      writeFileSync(join(runs, 'stray-file'), 'x');
      const listing = await listRuns(runs);
      expect(listing.records.map((r) => r.runId)).toEqual([record.runId]);
      expect(listing.problems).toHaveLength(1);
      expect(listing.problems[0]?.runId).toBe('20261122T060000Z-corrupt-0001');
      expect(listing.problems[0]?.problem).toMatch(/truncated or corrupt/);
      expect(listing.unfinished).toEqual(['20261122T060000Z-unfinished-0002']);
      expect(await listRuns(join(runs, 'missing'))).toEqual({ records: [], problems: [], unfinished: [] });
    } finally {
      rmSync(runs, { recursive: true, force: true });
    }
  });
});

describe('atomic writes', () => {
  it('concurrent writers leave one whole version and no temp file', async () => {
    const path = join(dir, 'contended.json');
    const versions = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ writer: i, pad: 'x'.repeat(20_000 + i) }),
    );
    await Promise.all(versions.map((v) => writeFileAtomic(path, v)));
    expect(versions).toContain(readFileSync(path, 'utf8'));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a write into a missing folder fails and leaves nothing behind', async () => {
    await expect(writeFileAtomic(join(dir, 'no-such-folder', 'x.json'), '{}')).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('replacing a file never shows a reader anything but the old or the new content', async () => {
    const path = join(dir, 'replaced.json');
    const old = JSON.stringify({ v: 'old', pad: 'o'.repeat(200_000) });
    const next = JSON.stringify({ v: 'new', pad: 'n'.repeat(300_000) });
    await writeFileAtomic(path, old);
    const seen = new Set<string>();
    const writing = writeFileAtomic(path, next);
    for (let i = 0; i < 200; i++) {
      const text = readFileSync(path, 'utf8');
      seen.add(text === old ? 'old' : text === next ? 'new' : `torn(${text.length})`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writing;
    expect([...seen].filter((s) => s.startsWith('torn'))).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(next);
  });
});
