/** The serve command's wiring in-process: token sources, schedules checked at startup, start and stop. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import type { CliIo } from '../../../harness/cli/io.js';
import {
  registerServeCommand,
  SERVED_REPORTS,
  serveCommand,
  type ServeCommandOptions,
} from '../../../harness/cli/serve.js';
import { makeRunRecord } from '../../support/fixtures.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { parseScheduleFlag } from '../../../harness/server/schedules.js';
import { writeScenarios } from '../../integration/server/serve-harness.js';

const root = mkdtempSync(join(tmpdir(), 'serve-command-'));
const scenariosDir = join(root, 'scenarios');
writeScenarios(scenariosDir);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TOKEN = 'serve-command-token-0123456789';
const options: ServeCommandOptions = {
  host: '127.0.0.1',
  port: 0,
  runs: join(root, 'runs'),
  scenarios: scenariosDir,
  insecureNoAuth: false,
  schedule: [],
  historyWindow: 86_400_000,
};

function captureIo(): CliIo & { err: string } {
  const io = {
    err: '',
    stdout: () => undefined,
    stderr: (t: string) => void (io.err += t),
    setExitCode: () => undefined,
    stderrIsTTY: false,
  };
  return io;
}

describe('serveCommand', () => {
  it('recovers the runs folder first, then listens, answers, and stops cleanly when its stop signal comes', async () => {
    const io = captureIo();
    let healthz: unknown;
    const recovered: string[] = [];
    const code = await serveCommand({ ...options, schedule: [parseScheduleFlag('alpha=0 3 * * *')] }, io, {
      env: { ROLLBACK_DRILL_TOKEN: TOKEN },
      clock: new SystemClock(),
      recover: (runsDir, recoverIo) => {
        recovered.push(`${runsDir} listening-yet=${io.err.includes('listening on')}`);
        recoverIo.stderr('recovered interrupted run 20261122T000000Z-x-0000: stable version restored\n');
        return Promise.resolve([]);
      },
      stopSignal: async (daemon) => {
        healthz = await (await fetch(`${daemon.url}/healthz`)).json();
        return 'SIGTERM';
      },
    });
    expect(code).toBe(0);
    expect(recovered).toEqual([`${options.runs} listening-yet=false`]);
    expect(io.err).toMatch(/Z recovered interrupted run 20261122T000000Z-x-0000: stable version restored\n/);
    expect(healthz).toMatchObject({ status: 'ok', runningDrills: 0 });
    expect(io.err).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(runs: .*, auth: token\)/);
    expect(io.err).toMatch(/schedule alpha: "0 3 \* \* \*", next at \d{4}-/);
    expect(io.err).toContain('scenario file broken.yaml is not usable');
    expect(io.err).toContain('SIGTERM received: stopping');
    expect(io.err).toMatch(/stopped\n$/);
  });

  it('refuses a schedule for a scenario that is not in the scenarios directory', async () => {
    await expect(
      serveCommand({ ...options, schedule: [parseScheduleFlag('nope=* * * * *')] }, captureIo(), {
        env: { ROLLBACK_DRILL_TOKEN: TOKEN },
        clock: new SystemClock(),
        stopSignal: () => Promise.resolve('SIGTERM'),
      }),
    ).rejects.toThrow(/--schedule "nope=\* \* \* \* \*": no scenario named "nope"/);
  });

  it('reads schedules from a file and the token from --token-file (a private file: no warning)', async () => {
    const schedules = join(root, 'schedules.yaml');
    writeFileSync(
      schedules,
      'apiVersion: rollback-drill/schedules/v1\nschedules:\n  - { scenario: gamma, cron: "*/15 * * * *" }\n',
    );
    const tokenFile = join(root, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const io = captureIo();
    await serveCommand({ ...options, schedules, tokenFile }, io, {
      env: {},
      clock: new SystemClock(),
      stopSignal: () => Promise.resolve('SIGINT'),
    });
    expect(io.err).toContain('schedule gamma: "*/15 * * * *"');
    expect(io.err).not.toContain('warning');
  });

  it('serves the markdown, HTML and JUnit reports', () => {
    const record = makeRunRecord();
    expect(Object.keys(SERVED_REPORTS)).toEqual(['markdown', 'html', 'junit']);
    expect(SERVED_REPORTS['html']?.render(record)).toMatch(/^<!DOCTYPE html>/i);
    expect(SERVED_REPORTS['junit']?.render(record)).toMatch(/<testsuites[^>]*>/);
    expect(SERVED_REPORTS['junit']?.contentType).toBe('application/xml; charset=utf-8');
  });

  it('registers `serve` with its documented options', () => {
    const program = new Command();
    registerServeCommand(program, captureIo());
    const serve = program.commands.find((c) => c.name() === 'serve');
    expect(serve?.options.map((o) => o.long)).toEqual([
      '--host',
      '--port',
      '--runs',
      '--scenarios',
      '--token-file',
      '--insecure-no-auth',
      '--schedule',
      '--schedules',
      '--history-window',
    ]);
  });
});
