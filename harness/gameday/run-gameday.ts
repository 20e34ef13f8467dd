/**
 * Runs a game day: its steps in order, the drills of a parallel group side by side, each through
 * runScenarioDrill (the same runner, adapters, record and report as `rollback-drill run`). Before
 * anything starts, every drill's adapters are created once (and dropped), so a missing k6, an unset
 * token or a bad template stops the game day before any system is touched. A failed drill stops the
 * rest only when continueOnFailure is false; an abort (SIGINT) stops it at once, drills cleaning up.
 */
import { UserError } from '../core/errors.js';
import { createAdapters } from '../runner/adapters.js';
import type { DrillObserver } from '../runner/observer.js';
import { RUN_ID_ENV } from '../runner/intents.js';
import type { RunRecord } from '../store/run-record.js';
import type { SavedRun } from '../store/run-store.js';
import type { GamedayDrill, GamedayPlan } from './model.js';
import { runScenarioDrill } from './run-scenario.js';

export type DrillStatus = 'ran' | 'not run' | 'error';

export interface GamedayDrillOutcome {
  readonly ref: string;
  readonly scenarioName: string;
  /** 1-based step the drill belongs to. */
  readonly step: number;
  readonly status: DrillStatus;
  readonly record?: RunRecord;
  readonly saved?: SavedRun;
  /** Why it did not run, or what went wrong outside the drill (e.g. its record could not be written). */
  readonly reason?: string;
}

export interface GamedayOutcome {
  readonly name: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly drills: readonly GamedayDrillOutcome[];
  /** passed: every drill ran and passed; failed: one failed; aborted: one aborted or did not run. */
  readonly result: 'passed' | 'failed' | 'aborted';
}

export interface GamedayRunOptions {
  readonly out: string;
  readonly signal?: AbortSignal;
  /** One progress line (no trailing newline). */
  readonly log: (line: string) => void;
  /** Replaces the real drill runner (tests of the game day's own logic). */
  readonly runScenario?: typeof runScenarioDrill;
}

export async function runGameday(plan: GamedayPlan, options: GamedayRunOptions): Promise<GamedayOutcome> {
  await preflight(plan);
  const startedAt = new Date().toISOString();
  const outcomes: GamedayDrillOutcome[] = [];
  let stopReason: string | undefined;
  for (const [index, drills] of plan.steps.entries()) {
    const step = index + 1;
    if (stopReason === undefined && options.signal?.aborted) stopReason = 'the game day was interrupted';
    if (stopReason !== undefined) {
      outcomes.push(...drills.map((d) => notRun(d, step, stopReason ?? '')));
      continue;
    }
    const label = drills.length > 1 ? `step ${step}: ${drills.length} drills in parallel` : `step ${step}`;
    options.log(`${label}: ${drills.map((d) => d.scenario.metadata.name).join(', ')}`);
    // The run-id marker lets `recover` find a crashed drill's processes; one process environment can
    // carry only one, so drills running side by side go without it (their intent records still hold pids).
    if (drills.length === 1) Reflect.deleteProperty(process.env, RUN_ID_ENV);
    const finished = await Promise.all(
      drills.map((drill) => runOne(drill, step, drills.length === 1, options)),
    );
    outcomes.push(...finished);
    const bad = finished.find((o) => o.status !== 'ran' || o.record?.result !== 'passed');
    if (options.signal?.aborted) stopReason = 'the game day was interrupted';
    else if (bad && !plan.continueOnFailure) {
      stopReason = `${bad.scenarioName} ${bad.record?.result ?? bad.status} and continueOnFailure is false`;
    }
  }
  Reflect.deleteProperty(process.env, RUN_ID_ENV);
  return {
    name: plan.name,
    startedAt,
    endedAt: new Date().toISOString(),
    drills: outcomes,
    result: overall(outcomes),
  };
}

async function runOne(
  drill: GamedayDrill,
  step: number,
  alone: boolean,
  options: GamedayRunOptions,
): Promise<GamedayDrillOutcome> {
  const name = drill.scenario.metadata.name;
  const say = (line: string): void => options.log(`[${name}] ${line}`);
  try {
    const { record, saved, exportSummary } = await (options.runScenario ?? runScenarioDrill)({
      scenario: drill.scenario,
      file: drill.file,
      out: options.out,
      ...(options.signal ? { signal: options.signal } : {}),
      log: say,
      observers: [progressObserver(say)],
      onStart: ({ runId }) => {
        if (alone) process.env[RUN_ID_ENV] = runId;
        say(`run ${runId}`);
      },
    });
    for (const line of exportSummary) say(line);
    say(`${record.result.toUpperCase()}: ${record.reason}`);
    return { ref: drill.ref, scenarioName: name, step, status: 'ran', record, saved };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    say(`could not run: ${reason}`);
    return { ref: drill.ref, scenarioName: name, step, status: 'error', reason };
  }
}

/** Phase starts and the key moments, one line each: enough to follow drills that run side by side. */
function progressObserver(say: (line: string) => void): DrillObserver {
  const shown = new Set([
    'fault.injected',
    'detected',
    'decided',
    'rollback.completed',
    'rollback.failed',
    'run.aborted',
  ]);
  return {
    event(event) {
      if (event.type === 'phase.started' && event.phase) say(`${event.phase} started`);
      else if (shown.has(event.type)) say(event.message);
    },
  };
}

/** Creates (and drops) every drill's adapters: user errors surface before any drill starts. */
async function preflight(plan: GamedayPlan): Promise<void> {
  for (const drill of plan.steps.flat()) {
    let adapters: ReturnType<typeof createAdapters>;
    try {
      adapters = createAdapters(drill.scenario);
    } catch (error) {
      if (error instanceof UserError) throw new UserError(`${drill.ref}: ${error.message}`, error.exitCode);
      throw error;
    }
    await adapters.target.dispose();
  }
}

function notRun(drill: GamedayDrill, step: number, reason: string): GamedayDrillOutcome {
  return { ref: drill.ref, scenarioName: drill.scenario.metadata.name, step, status: 'not run', reason };
}

function overall(outcomes: readonly GamedayDrillOutcome[]): GamedayOutcome['result'] {
  if (outcomes.some((o) => o.record?.result === 'failed')) return 'failed';
  if (outcomes.every((o) => o.status === 'ran' && o.record?.result === 'passed')) return 'passed';
  return 'aborted';
}
