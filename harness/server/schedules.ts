/**
 * Drill schedules: which scenario runs when, as cron expressions (croner syntax). Given on the
 * command line — `--schedule "demo-bad-release=*\/30 * * * *"` — or in a schedules file:
 *
 *   apiVersion: rollback-drill/schedules/v1
 *   schedules:
 *     - scenario: demo-bad-release
 *       cron: "0 3 * * 1-5"       # 03:00 on weekdays
 *       timezone: Europe/Berlin   # optional; default: the daemon's local time
 *
 * Five fields are minute-level (production schedules); croner also accepts a sixth, leading
 * seconds field, which the tests use to prove the wiring without waiting a real minute.
 */
import { readFile } from 'node:fs/promises';
import { Cron } from 'croner';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../core/errors.js';

export const SCHEDULES_API_VERSION = 'rollback-drill/schedules/v1';

export interface ScheduleSpec {
  readonly scenario: string;
  readonly cron: string;
  readonly timezone?: string;
  /** Where it was given: `--schedule` or `FILE: schedules[2]`. */
  readonly source: string;
}

const scheduleEntry = z.strictObject({
  scenario: z.string().min(1),
  cron: z.string().min(1),
  timezone: z.string().min(1).optional(),
});

const schedulesFile = z.strictObject({
  apiVersion: z.literal(SCHEDULES_API_VERSION, { error: `expected apiVersion: ${SCHEDULES_API_VERSION}` }),
  schedules: z.array(scheduleEntry),
});

/** `NAME=CRON` from `--schedule`; throws UserError naming the flag. */
export function parseScheduleFlag(text: string): ScheduleSpec {
  const at = text.indexOf('=');
  const scenario = at > 0 ? text.slice(0, at).trim() : '';
  const cron = at > 0 ? text.slice(at + 1).trim() : '';
  if (!scenario || !cron)
    throw new UserError(
      `--schedule "${text}": expected SCENARIO=CRON, e.g. --schedule "demo-bad-release=0 3 * * *"`,
    );
  const spec = { scenario, cron, source: `--schedule "${text}"` };
  checkCron(spec);
  return spec;
}

export async function readSchedulesFile(file: string): Promise<ScheduleSpec[]> {
  let data: unknown;
  try {
    data = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UserError(
      `cannot read schedules file ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = schedulesFile.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    );
    throw new UserError(problems.join('\n'));
  }
  return parsed.data.schedules.map((entry, index) => {
    const spec: ScheduleSpec = {
      scenario: entry.scenario,
      cron: entry.cron,
      ...(entry.timezone !== undefined ? { timezone: entry.timezone } : {}),
      source: `${file}: schedules[${index}]`,
    };
    checkCron(spec);
    return spec;
  });
}

/** A croner job used only for its calendar arithmetic (no function: it never runs anything itself). */
export function cronOf(spec: Pick<ScheduleSpec, 'cron' | 'timezone'>): Cron {
  return new Cron(spec.cron, spec.timezone !== undefined ? { timezone: spec.timezone } : {});
}

/** Pattern and timezone are checked at startup, so a typo never waits silently for a run that cannot come. */
function checkCron(spec: ScheduleSpec): void {
  try {
    const next = cronOf(spec).nextRun();
    if (next === null) throw new Error('it never runs (no future date matches)');
  } catch (error) {
    throw new UserError(
      `${spec.source}: "${spec.cron}"${spec.timezone ? ` (${spec.timezone})` : ''} is not a usable cron schedule: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
