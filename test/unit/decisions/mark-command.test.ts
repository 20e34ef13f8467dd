import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { markCommand, registerMarkCommand } from '../../../harness/cli/mark.js';
import { UserError } from '../../../harness/core/errors.js';
import { markPath } from '../../../harness/runner/marks.js';

const dirs: string[] = [];
function runsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mark-cmd-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const RUN = '20261122T060000Z-demo-manual-1a2b';

function capture(): { stdout: string[]; io: { stdout(text: string): void } } {
  const stdout: string[] = [];
  return { stdout, io: { stdout: (text) => void stdout.push(text) } };
}

describe('rollback-drill mark', () => {
  it('writes the mark into the running run folder and says so', async () => {
    const runs = runsDir();
    mkdirSync(join(runs, RUN));
    const { stdout, io } = capture();
    const code = await markCommand(
      RUN,
      'detected',
      { runs, by: 'alice', note: 'dashboards red', json: false },
      io,
    );
    expect(code).toBe(0);
    const mark = JSON.parse(readFileSync(markPath(join(runs, RUN), 'detected'), 'utf8')) as Record<
      string,
      string
    >;
    expect(mark).toMatchObject({ kind: 'detected', by: 'alice', note: 'dashboards red' });
    expect(stdout.join('')).toBe(`run ${RUN}: marked detected by alice at ${mark['at']} (dashboards red)\n`);
  });

  it('prints the mark as JSON with --json and names the user by default', async () => {
    const runs = runsDir();
    mkdirSync(join(runs, RUN));
    const { stdout, io } = capture();
    await markCommand(RUN, 'decided', { runs, json: true }, io);
    const printed = JSON.parse(stdout.join('')) as { runId: string; path: string; mark: { by: string } };
    expect(printed.runId).toBe(RUN);
    expect(printed.path).toBe(markPath(join(runs, RUN), 'decided'));
    expect(printed.mark.by.length).toBeGreaterThan(0);
  });

  it('refuses unknown runs, finished runs and anything that is not a run id (exit 2)', async () => {
    const runs = runsDir();
    const { io } = capture();
    const options = { runs, json: false };
    await expect(markCommand(RUN, 'detected', options, io)).rejects.toThrow(`no run ${RUN} in ${runs}`);
    mkdirSync(join(runs, RUN));
    writeFileSync(join(runs, RUN, 'run.json'), '{}');
    await expect(markCommand(RUN, 'detected', options, io)).rejects.toThrow(
      `run ${RUN} has already finished`,
    );
    for (const bad of ['../x', '.hidden', 'a/b', '', 'x'.repeat(201)]) {
      const error = await markCommand(bad, 'detected', options, io).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
    }
  });

  it('registers `mark <run> <kind>` with --by, --note, --runs and --json', () => {
    const program = new Command();
    registerMarkCommand(program, {
      stdout: () => undefined,
      stderr: () => undefined,
      setExitCode: () => undefined,
      stderrIsTTY: false,
    });
    const mark = program.commands.find((c) => c.name() === 'mark');
    expect(mark?.registeredArguments.map((a) => a.name())).toEqual(['run', 'kind']);
    expect(mark?.options.map((o) => o.long)).toEqual(['--by', '--note', '--runs', '--json']);
  });
});
