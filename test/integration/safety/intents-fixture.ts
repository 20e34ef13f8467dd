/**
 * Interrupted runs made to order: an intent record as a crashed drill leaves it, written into a runs
 * folder, and real processes that look like a drill's leftovers (they carry its environment marker).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  INTENTS_API_VERSION,
  INTENTS_FILE,
  RUN_ID_ENV,
  type IntentAction,
  type IntentsDocument,
  type UndoStep,
} from '../../../harness/runner/intents.js';
import { bootId, processStartTicks } from '../../../harness/runner/intents-processes.js';
import { scenarioFixture } from '../../unit/runner/scenario-fixture.js';

/** A harness that died: same host, a previous boot. */
export const DEAD_HARNESS = {
  pid: 999_999,
  startTicks: 1,
  bootId: 'a-previous-boot',
  hostname: hostname(),
  envMarker: true,
};

export function intentsDoc(
  runId: string,
  actions: Partial<IntentAction>[],
  extra: Partial<IntentsDocument> = {},
): IntentsDocument {
  const scenario = scenarioFixture();
  return {
    apiVersion: INTENTS_API_VERSION,
    runId,
    harnessVersion: 'test',
    harness: DEAD_HARNESS,
    startedAt: '2026-11-22T06:00:00.000Z',
    updatedAt: '2026-11-22T06:00:12.500Z',
    scenarioFile: 'scenarios/x.yaml',
    scenario: scenario as unknown as Record<string, unknown>,
    describe: {
      target: { kind: 'scripted', stableVersion: 'stable' },
      fault: { kind: 'release', summary: 'deploy candidate over stable', details: {} },
      detector: {
        kind: 'threshold',
        settings: {},
        observation: { method: 'per 1 s sample', resolutionSeconds: 1 },
      },
      decision: { kind: 'auto', settings: {} },
    },
    phase: 'detect',
    state: 'running',
    actions: actions.map((a, i) => ({
      seq: i + 1,
      action: 'fault.inject',
      phase: 'fault',
      summary: `action ${i + 1}`,
      intendedAt: '2026-11-22T06:00:10.000Z',
      status: 'done',
      undo: [] as UndoStep[],
      ...a,
    })),
    events: [
      { type: 'phase.started', at: '2026-11-22T06:00:00.010Z', phase: 'setup', message: 'setup started' },
      {
        type: 'fault.injected',
        at: '2026-11-22T06:00:10.400Z',
        phase: 'fault',
        message: 'fault in effect: deploy candidate',
      },
      { type: 'phase.started', at: '2026-11-22T06:00:10.500Z', phase: 'detect', message: 'detect started' },
    ],
    ...extra,
  };
}

export function writeInterruptedRun(runsDir: string, doc: IntentsDocument): string {
  const folder = join(runsDir, doc.runId);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, INTENTS_FILE), JSON.stringify(doc, null, 2));
  return folder;
}

export interface Leftover {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly startTicks: number;
  readonly exited: Promise<void>;
}

const PAYMENTS_ENTRY = fileURLToPath(new URL('../../../harness/demo/payments-process.ts', import.meta.url));

/**
 * A long-running process, optionally carrying a run's environment marker: by default any node
 * program (like an app a deploy restarted); with `harnessProgram`, the demo's own payments child,
 * run from the sources as a crashed drill would have left it.
 */
export async function startLeftover(
  runId?: string,
  options: { harnessProgram?: boolean } = {},
): Promise<Leftover> {
  const args = options.harnessProgram
    ? ['--import', 'tsx', PAYMENTS_ENTRY]
    : ['-e', 'setInterval(() => {}, 1000)'];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, [RUN_ID_ENV]: runId ?? 'not-a-drill', PORT: '0' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid ?? 0;
  let ticks = processStartTicks(pid);
  for (let i = 0; ticks === null && i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    ticks = processStartTicks(pid);
  }
  return { child, pid, startTicks: ticks ?? 0, exited };
}

export { bootId };
