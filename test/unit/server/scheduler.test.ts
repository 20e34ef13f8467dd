/**
 * Cron schedules on a FakeClock: a day of per-minute schedules runs in milliseconds. The FakeClock's
 * wall time starts at 2026-11-22T06:00:00Z.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { UserError } from '../../../harness/core/errors.js';
import { CronScheduler } from '../../../harness/server/scheduler.js';
import {
  parseScheduleFlag,
  readSchedulesFile,
  type ScheduleSpec,
} from '../../../harness/server/schedules.js';

const START = Date.UTC(2026, 10, 22, 6, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();

function record(clock: FakeClock, specs: ScheduleSpec[]): { scheduler: CronScheduler; fired: string[] } {
  const fired: string[] = [];
  const scheduler = new CronScheduler(clock, specs, (spec, slot) =>
    fired.push(`${spec.scenario}@${iso(slot)} (clock ${iso(clock.toEpochMs(clock.now()))})`),
  );
  return { scheduler, fired };
}

describe('CronScheduler', () => {
  it('runs an every-minute schedule at each minute, on time, and says when it runs next', async () => {
    const clock = new FakeClock(0, START + 20_000); // 06:00:20
    const { scheduler, fired } = record(clock, [parseScheduleFlag('demo=* * * * *')]);
    scheduler.start();
    expect(scheduler.list()[0]?.nextRunAt()).toBe('2026-11-22T06:01:00.000Z');
    await clock.advance(39_999);
    expect(fired).toEqual([]);
    await clock.advance(1);
    await clock.advance(3 * 60_000);
    expect(fired).toEqual([
      'demo@2026-11-22T06:01:00.000Z (clock 2026-11-22T06:01:00.000Z)',
      'demo@2026-11-22T06:02:00.000Z (clock 2026-11-22T06:02:00.000Z)',
      'demo@2026-11-22T06:03:00.000Z (clock 2026-11-22T06:03:00.000Z)',
      'demo@2026-11-22T06:04:00.000Z (clock 2026-11-22T06:04:00.000Z)',
    ]);
    expect(scheduler.list()[0]?.nextRunAt()).toBe('2026-11-22T06:05:00.000Z');
    scheduler.stop();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(10 * 60_000);
    expect(fired).toHaveLength(4);
    expect(scheduler.list()[0]?.nextRunAt()).toBeNull();
  });

  it('keeps several schedules apart, including a 6-field one with seconds', async () => {
    const clock = new FakeClock(0, START);
    const { scheduler, fired } = record(clock, [
      parseScheduleFlag('fast=*/20 * * * * *'),
      parseScheduleFlag('hourly=0 * * * *'),
    ]);
    scheduler.start();
    await clock.advance(60_000);
    expect(fired.map((f) => f.split(' ')[0])).toEqual([
      'fast@2026-11-22T06:00:20.000Z',
      'fast@2026-11-22T06:00:40.000Z',
      'fast@2026-11-22T06:01:00.000Z',
    ]);
    await clock.advance(59 * 60_000);
    expect(fired.filter((f) => f.startsWith('hourly'))).toEqual([
      'hourly@2026-11-22T07:00:00.000Z (clock 2026-11-22T07:00:00.000Z)',
    ]);
    expect(fired.filter((f) => f.startsWith('fast'))).toHaveLength(180);
    scheduler.stop();
  });

  it('waits past the longest setTimeout for a yearly schedule', async () => {
    const clock = new FakeClock(0, START);
    const { scheduler, fired } = record(clock, [parseScheduleFlag('yearly=0 0 1 6 *')]);
    scheduler.start();
    expect(scheduler.list()[0]?.nextRunAt()).toBe('2027-06-01T00:00:00.000Z');
    const untilJune = Date.UTC(2027, 5, 1) - START;
    await clock.advance(untilJune - 1);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual(['yearly@2027-06-01T00:00:00.000Z (clock 2027-06-01T00:00:00.000Z)']);
    scheduler.stop();
  });

  it('honours a timezone', async () => {
    const clock = new FakeClock(0, START); // 06:00Z = 07:00 in Berlin (CET)
    const { scheduler } = record(clock, [
      { scenario: 'berlin', cron: '30 7 * * *', timezone: 'Europe/Berlin', source: 'test' },
    ]);
    scheduler.start();
    expect(scheduler.list()[0]?.nextRunAt()).toBe('2026-11-22T06:30:00.000Z');
    scheduler.stop();
  });
});

describe('schedule specs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schedules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses --schedule NAME=CRON and refuses malformed ones', () => {
    expect(parseScheduleFlag('demo-bad-release=*/5 * * * *')).toEqual({
      scenario: 'demo-bad-release',
      cron: '*/5 * * * *',
      source: '--schedule "demo-bad-release=*/5 * * * *"',
    });
    expect(() => parseScheduleFlag('no-equals-sign')).toThrow(/expected SCENARIO=CRON/);
    expect(() => parseScheduleFlag('=* * * * *')).toThrow(UserError);
    expect(() => parseScheduleFlag('demo=every minute')).toThrow(/is not a usable cron schedule/);
    expect(() => parseScheduleFlag('demo=0 0 30 2 *')).toThrow(/never runs/);
  });

  it('reads a schedules file and names the entry that is wrong', async () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'apiVersion: rollback-drill/schedules/v1\nschedules:\n  - scenario: a\n    cron: "0 3 * * 1-5"\n  - scenario: b\n    cron: "*/30 * * * *"\n    timezone: Europe/Berlin\n',
    );
    expect(await readSchedulesFile(good)).toEqual([
      { scenario: 'a', cron: '0 3 * * 1-5', source: `${good}: schedules[0]` },
      { scenario: 'b', cron: '*/30 * * * *', timezone: 'Europe/Berlin', source: `${good}: schedules[1]` },
    ]);
    const badZone = join(dir, 'bad-zone.yaml');
    writeFileSync(
      badZone,
      'apiVersion: rollback-drill/schedules/v1\nschedules:\n  - { scenario: a, cron: "0 3 * * *", timezone: Mars/Olympus }\n',
    );
    await expect(readSchedulesFile(badZone)).rejects.toThrow(
      /schedules\[0\]: "0 3 \* \* \*" \(Mars\/Olympus\) is not a usable cron schedule/,
    );
    const badShape = join(dir, 'bad-shape.yaml');
    writeFileSync(
      badShape,
      'apiVersion: rollback-drill/schedules/v1\nschedules:\n  - { scenario: a, cron: "0 3 * * *", every: 5m }\n',
    );
    await expect(readSchedulesFile(badShape)).rejects.toThrow(/bad-shape\.yaml: schedules\.0: /);
    await expect(readSchedulesFile(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read schedules file/);
  });
});
