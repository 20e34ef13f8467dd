/**
 * The symlink-switch template, for real: a deploy root with two releases and a `current` link, an app
 * restarted from current/ by restart-app.mjs, and a whole drill with the `command` target running the
 * template's own commands. The measured fault start and rollback completion are checked against the
 * moments the app itself logged that each release started listening.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../harness/scenario/load.js';
import type { Scenario } from '../../../harness/scenario/model.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import type { CommandStepRecord } from '../../../harness/targets/command-steps.js';
import { freePort } from '../../support/free-port.js';
import { eventAt, eventData, processesIn, runDrillHere, shortenPhases } from './drill-helpers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const TEMPLATE = join(REPO, 'scenarios/templates/symlink-switch.yaml');
const RESTART_HELPER = join(REPO, 'scenarios/templates/symlink-switch/restart-app.mjs');
const APP = fileURLToPath(new URL('./symlink-app/server.mjs', import.meta.url));

let root = '';
let port = 0;
const runFolders: string[] = [];

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'symlink-deploy-')));
  port = await freePort();
  for (const [version, behaviour] of [
    ['1.4.2', 'ok'],
    ['1.5.0', 'fail-half'],
  ] as const) {
    const release = join(root, 'releases', version);
    mkdirSync(release, { recursive: true });
    copyFileSync(APP, join(release, 'server.mjs'));
    writeFileSync(join(release, 'VERSION'), `${version}\n`);
    writeFileSync(join(release, 'BEHAVIOUR'), `${behaviour}\n`);
  }
  mkdirSync(join(root, 'bin'));
  copyFileSync(RESTART_HELPER, join(root, 'bin', 'restart-app.mjs'));
  symlinkSync('releases/1.4.2', join(root, 'current'));
  // The stable release is up before the drill, as it would be on a staging VM.
  execFileSync(process.execPath, ['bin/restart-app.mjs', 'current/server.mjs'], {
    cwd: root,
    env: { ...process.env, PORT: String(port) },
    timeout: 30_000,
  });
});

afterAll(() => {
  for (const pid of processesIn(root)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(root, { recursive: true, force: true });
  for (const folder of runFolders) rmSync(folder, { recursive: true, force: true });
});

/** The template with only what a test must change: where the deploy root is, the port, shorter phases. */
async function scenarioForThisMachine(): Promise<Scenario> {
  const { scenario } = await loadScenarioFile(TEMPLATE);
  if (scenario.target.type !== 'command') throw new Error('the symlink template must use the command target');
  const at = (path: string): string => `http://127.0.0.1:${port}${path}`;
  return shortenPhases({
    ...scenario,
    // A 3 s decision keeps 1.5.0 serving long enough to count its failures in whole 1 s samples.
    decision: { type: 'auto', delay: 3000 },
    target: {
      ...scenario.target,
      workingDirectory: root,
      baseUrl: at('/'),
      env: { PORT: String(port) },
      version: { ...scenario.target.version, url: at('/version') },
      health: scenario.target.health && { ...scenario.target.health, url: at('/healthz') },
    },
  });
}

/** "listening <version> <epoch ms>" lines the app printed, in order. */
function listenTimes(): { version: string; atMs: number }[] {
  return readFileSync(join(root, 'log/app.log'), 'utf8')
    .split('\n')
    .map((line) => /^listening (\S+) (\d+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: m[1] ?? '', atMs: Number(m[2]) }));
}

describe('symlink-switch template with the command target (real folders, link and processes)', () => {
  let record: RunRecord;

  beforeAll(async () => {
    const started = Date.now();
    const run = await runDrillHere(await scenarioForThisMachine());
    runFolders.push(run.folder);
    record = run.record;
    expect(Date.now() - started).toBeLessThan(90_000);
  }, 120_000);

  it('passes: detected, rolled back, stable serving from the switched-back link', () => {
    expect(record.result, `${record.reason}\n${record.failures.join('\n')}`).toBe('passed');
    expect(record.measurements.rollbackSucceeded).toBe(true);
    expect(record.target).toMatchObject({
      kind: 'command',
      stableVersion: '1.4.2',
      versionAfterRun: '1.4.2',
    });
    expect(readlinkSync(join(root, 'current'))).toBe('releases/1.4.2');
    for (const name of [
      'timeToDetectSeconds',
      'timeToDecideSeconds',
      'timeToRollbackSeconds',
      'timeToRecoverSeconds',
    ] as const) {
      expect(record.measurements[name], name).not.toBeNull();
      expect(record.measurements[name] ?? -1, name).toBeGreaterThanOrEqual(0);
    }
  });

  it('the fault start is when 1.5.0 really started listening, within the stated resolution', () => {
    const starts = listenTimes();
    expect(starts.map((s) => s.version)).toEqual(['1.4.2', '1.5.0', '1.4.2']);
    const candidateListening = starts[1]?.atMs ?? 0;
    const faultStart = eventAt(record, 'fault.injected');
    const observation = eventData(record, 'fault.injected').observation as {
      resolutionSeconds: number;
      method: string;
    };
    expect(observation.method).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/version polled every 250ms from the start of the deploy/,
    );
    // Seen no earlier than it listened (5 ms for the two clocks' anchoring), and within the poll window after.
    expect(faultStart).toBeGreaterThanOrEqual(candidateListening - 5);
    expect(faultStart - candidateListening).toBeLessThanOrEqual(observation.resolutionSeconds * 1000 + 5);
    expect(observation.resolutionSeconds).toBeLessThan(1.5);
  });

  it('the rollback completes after the stable release listens again, and is timed from the decision', () => {
    const stableAgain = listenTimes()[2]?.atMs ?? 0;
    const completed = eventAt(record, 'rollback.completed');
    expect(completed).toBeGreaterThanOrEqual(stableAgain - 5);
    expect(completed - stableAgain).toBeLessThan(2_000);
    const decided = eventAt(record, 'decided');
    expect(record.measurements.timeToRollbackSeconds ?? -1).toBeCloseTo((completed - decided) / 1000, 0);
  });

  it('counts exactly the failures the release served, and none after the rollback', () => {
    // The app logs what it answered when it is stopped; 1.5.0 fails every second /api request.
    const stopped = /^stopped 1\.5\.0 api=(\d+) failed=(\d+)$/m.exec(
      readFileSync(join(root, 'log/app.log'), 'utf8'),
    );
    const [served, failed] = [Number(stopped?.[1]), Number(stopped?.[2])];
    expect(served).toBeGreaterThan(20);
    expect(failed).toBe(Math.floor(served / 2));
    const measured5xx = record.sli.samples.reduce((n, s) => n + (s.errorsByClass['http_5xx'] ?? 0), 0);
    expect(Math.abs(measured5xx - failed)).toBeLessThanOrEqual(1); // one may be cut off in flight by the restart
    // A stop-then-start restart closes the port for a moment: connection_refused is this deploy
    // style's real downtime, counted too, so the fault window's error ratio is above the 50 %.
    expect(record.windows.fault?.errorRatio ?? 0).toBeGreaterThan(0.3);
    expect(record.windows.postRollback?.errors).toBe(0);
    expect(record.windows.postRollback?.requests ?? 0).toBeGreaterThan(100);
  });

  it("keeps each command's argv, exit and output in the record", () => {
    const deploySteps = (eventData(record, 'fault.injected').observation as { steps: CommandStepRecord[] })
      .steps;
    expect(deploySteps.map((s) => s.argv.join(' '))).toEqual([
      'ln -sfn releases/1.5.0 current.next',
      'mv -T current.next current',
      'node bin/restart-app.mjs current/server.mjs',
    ]);
    expect(deploySteps.every((s) => s.exitCode === 0 && s.workingDirectory === root)).toBe(true);
    expect(deploySteps[2]?.stdout).toMatch(
      /stopped pid \d+\nstarted current\/server\.mjs as pid \d+, ready on port \d+/,
    );
    const rollbackSteps = (
      eventData(record, 'rollback.completed').observation as { steps: CommandStepRecord[] }
    ).steps;
    expect(rollbackSteps[0]?.argv).toEqual(['ln', '-sfn', 'releases/1.4.2', 'current.next']);
  });

  it('leaves exactly one app process running: the stable one', () => {
    const pids = processesIn(root);
    expect(pids).toHaveLength(1);
    expect(readFileSync(join(root, 'app.pid'), 'utf8').trim()).toBe(String(pids[0]));
  });
});
