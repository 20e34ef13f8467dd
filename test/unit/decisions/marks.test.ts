import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { UserError } from '../../../harness/core/errors.js';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import {
  fileMarkSource,
  markCommand,
  markPath,
  parseMark,
  waitForMark,
  writeMark,
} from '../../../harness/runner/marks.js';
import { MemoryMarks, markContext } from './mark-fixtures.js';

const folders: string[] = [];
function runFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'marks-'));
  folders.push(folder);
  return folder;
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('writeMark / the mark file contract', () => {
  it('writes <runFolder>/marks/<kind>.json as {kind, by, note, at} and nothing else beside it', async () => {
    const folder = runFolder();
    const at = new Date('2026-11-22T06:00:03.250Z');
    const written = await writeMark(folder, { kind: 'detected', by: ' alice ', note: 'checkout 500s', at });
    expect(written).toEqual({
      kind: 'detected',
      by: 'alice',
      note: 'checkout 500s',
      at: '2026-11-22T06:00:03.250Z',
    });
    expect(markPath(folder, 'detected')).toBe(join(folder, 'marks', 'detected.json'));
    expect(JSON.parse(readFileSync(markPath(folder, 'detected'), 'utf8'))).toEqual(written);
    // Atomic write: no temp file is left behind.
    expect(readdirSync(join(folder, 'marks'))).toEqual(['detected.json']);
    expect(await fileMarkSource(folder).read('detected')).toEqual({ state: 'ok', mark: written });
    expect(await fileMarkSource(folder).read('decided')).toEqual({ state: 'absent' });
  });

  it('defaults by to "unknown", note to empty and at to now; a new mark replaces the old', async () => {
    const folder = runFolder();
    const before = Date.now();
    const first = await writeMark(folder, { kind: 'decided' });
    expect(first.by).toBe('unknown');
    expect(first.note).toBe('');
    expect(Date.parse(first.at)).toBeGreaterThanOrEqual(before);
    const second = await writeMark(folder, { kind: 'decided', by: 'bob' });
    expect(JSON.parse(readFileSync(markPath(folder, 'decided'), 'utf8'))).toEqual(second);
  });

  it('refuses an oversized note or name with a UserError saying which field', async () => {
    const folder = runFolder();
    await expect(writeMark(folder, { kind: 'detected', note: 'x'.repeat(2001) })).rejects.toThrow(UserError);
    await expect(writeMark(folder, { kind: 'detected', by: 'y'.repeat(201) })).rejects.toThrow(/by:/);
  });

  it('reads malformed files as invalid with the reason, never as a mark', () => {
    expect(parseMark('{', 'detected')).toEqual({ state: 'invalid', problem: 'not JSON' });
    expect(parseMark('{"kind":"detected","by":"a","note":"","at":"yesterday"}', 'detected')).toMatchObject({
      state: 'invalid',
      problem: expect.stringContaining('at:') as string,
    });
    const decided = JSON.stringify({ kind: 'decided', by: 'a', note: '', at: '2026-11-22T06:00:00Z' });
    expect(parseMark(decided, 'detected')).toEqual({
      state: 'invalid',
      problem: 'kind is "decided", expected "detected"',
    });
    expect(parseMark(decided, 'decided').state).toBe('ok');
  });

  it('names the command that makes a mark, with the runs folder', () => {
    expect(markCommand({ id: 'r-1', folder: '/var/drills/r-1' }, 'detected')).toBe(
      'rollback-drill mark r-1 detected --runs /var/drills',
    );
    expect(markCommand({ id: 'r-1', folder: "/tmp/it's here/r-1" }, 'decided')).toBe(
      "rollback-drill mark r-1 decided --runs '/tmp/it'\\''s here'",
    );
  });
});

describe('waitForMark (fake clock, marks in memory)', () => {
  it('resolves at the first poll that sees the mark; the mark time comes from its `at`', async () => {
    const clock = new FakeClock();
    const marks = new MemoryMarks();
    const ctx = markContext(clock);
    let done: Awaited<ReturnType<typeof waitForMark>> | undefined;
    void waitForMark('/run', 'detected', ctx, { source: marks }).then((seen) => (done = seen));
    await clock.advance(1_250);
    expect(done).toBeUndefined();
    // Written at 1.25 s on the drill's clock; the poll at 1.4 s reads it.
    marks.set({
      kind: 'detected',
      by: 'alice',
      note: '',
      at: new Date(clock.toEpochMs(1_250)).toISOString(),
    });
    await clock.advance(250);
    expect(done?.mark.by).toBe('alice');
    expect(done?.markedAtMs).toBe(1_250);
    expect(done?.observedAtMs).toBe(1_400);
    expect(marks.reads).toBe(8); // 0, 0.2, …, 1.4 s
  });

  it('never puts the mark after the moment it was read (a writer clock ahead of ours)', async () => {
    const clock = new FakeClock();
    const marks = new MemoryMarks();
    marks.set({ kind: 'decided', by: 'a', note: '', at: new Date(clock.toEpochMs(60_000)).toISOString() });
    const seen = await waitForMark('/run', 'decided', markContext(clock), { source: marks });
    expect(seen.markedAtMs).toBe(0);
  });

  it('ignores a mark older than notBeforeMs (logged once) until a newer one replaces it', async () => {
    const clock = new FakeClock(10_000);
    const marks = new MemoryMarks();
    const ctx = markContext(clock);
    marks.set({
      kind: 'detected',
      by: 'early',
      note: '',
      at: new Date(clock.toEpochMs(9_000)).toISOString(),
    });
    let done: Awaited<ReturnType<typeof waitForMark>> | undefined;
    void waitForMark('/run', 'detected', ctx, {
      source: marks,
      notBeforeMs: 10_000,
      pollIntervalMs: 100,
    }).then((seen) => (done = seen));
    await clock.advance(2_000);
    expect(done).toBeUndefined();
    expect(ctx.logs.filter((line) => line.includes('predates this wait'))).toHaveLength(1);
    marks.set({
      kind: 'detected',
      by: 'late',
      note: '',
      at: new Date(clock.toEpochMs(12_050)).toISOString(),
    });
    await clock.advance(100);
    expect(done?.mark.by).toBe('late');
    expect(done?.markedAtMs).toBe(12_050);
  });

  it('logs an unusable file once per problem and keeps waiting; read errors too', async () => {
    const clock = new FakeClock();
    const marks = new MemoryMarks();
    const ctx = markContext(clock);
    marks.reading = { state: 'invalid', problem: 'not JSON' };
    const waiting = waitForMark('/run', 'detected', ctx, { source: marks });
    await clock.advance(1_000);
    marks.failWith = new Error('EACCES: permission denied');
    await clock.advance(1_000);
    expect(ctx.logs).toEqual([
      expect.stringContaining('unusable (not JSON)'),
      expect.stringContaining('unusable (EACCES: permission denied)'),
    ]);
    marks.failWith = undefined;
    marks.set({ kind: 'detected', by: 'a', note: '', at: new Date(clock.toEpochMs(2_000)).toISOString() });
    await clock.advance(200);
    await expect(waiting).resolves.toMatchObject({ mark: { by: 'a' } });
  });

  it('rejects with an AbortError when the signal aborts, and stops polling', async () => {
    const clock = new FakeClock();
    const marks = new MemoryMarks();
    const ctx = markContext(clock);
    const waiting = waitForMark('/run', 'decided', ctx, { source: marks });
    const settled = waiting.catch((error: unknown) => error);
    await clock.advance(600);
    const error = new Error('decision timed out');
    error.name = 'AbortError';
    ctx.controller.abort(error);
    expect(await settled).toBe(error);
    const reads = marks.reads;
    await clock.advance(1_000);
    expect(marks.reads).toBe(reads);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('waitForMark (real files, real clock)', () => {
  it('sees a mark written by another writer within a poll interval or so', async () => {
    const folder = runFolder();
    const clock = new SystemClock();
    const controller = new AbortController();
    const ctx: AdapterContext = { clock, signal: controller.signal, log: () => undefined };
    const started = clock.now();
    const waiting = waitForMark(folder, 'detected', ctx);
    setTimeout(() => void writeMark(folder, { kind: 'detected', by: 'carol' }), 300);
    const seen = await waiting;
    expect(seen.mark.by).toBe('carol');
    expect(seen.markedAtMs - started).toBeGreaterThan(200);
    // Read within one 200 ms poll (generous bound for a loaded machine).
    expect(seen.observedAtMs - seen.markedAtMs).toBeLessThan(1_500);
  });

  it('waits through a hand-written broken file until it is fixed', async () => {
    const folder = runFolder();
    mkdirSync(join(folder, 'marks'));
    writeFileSync(markPath(folder, 'decided'), '{"kind": "decided", "by": ');
    const logs: string[] = [];
    const ctx: AdapterContext = {
      clock: new SystemClock(),
      signal: new AbortController().signal,
      log: (line) => logs.push(line),
    };
    const waiting = waitForMark(folder, 'decided', ctx, { pollIntervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(logs[0]).toContain('unusable (not JSON)');
    await writeMark(folder, { kind: 'decided', by: 'dave' });
    await expect(waiting).resolves.toMatchObject({ mark: { by: 'dave' } });
  });
});
