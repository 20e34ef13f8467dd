/**
 * Drill overhead on the demo: how long from `rollback-drill run` to the first baseline request, and
 * how much of a whole drill is the harness rather than the scripted and measured phases.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../store/run-record.js';
import { formatMs, type BenchSection } from './types.js';

const CLI = fileURLToPath(new URL('../cli/bin.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface OverheadFigures {
  readonly startupMs: number;
  readonly overheadMs: number;
  readonly breakdown: Record<string, number>;
  readonly wallMs: number;
}

function eventMs(record: RunRecord, type: string, phase?: string): number {
  const event = record.timeline.find((e) => e.type === type && (phase === undefined || e.phase === phase));
  if (!event) throw new Error(`the record has no ${type} ${phase ?? ''} event`);
  return Date.parse(event.at);
}

async function runOnce(scenario: string): Promise<OverheadFigures> {
  const out = await mkdtemp(join(tmpdir(), 'drill-bench-'));
  try {
    const spawnedAt = Date.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'run', scenario, '--out', out, '--no-otel'], {
        cwd: REPO,
        stdio: 'ignore',
        env: { ...process.env, NO_COLOR: '1' },
      });
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`the demo drill exited with ${code ?? 'a signal'}`)),
      );
    });
    const exitedAt = Date.now();
    const [runId] = await readdir(out);
    const record = JSON.parse(await readFile(join(out, String(runId), 'run.json'), 'utf8')) as RunRecord;
    const spec = record.scenario.spec as {
      phases: { baseline: { duration: number }; verify: { window: number } };
    };
    const baselineAt = eventMs(record, 'phase.started', 'baseline');
    const faultPhaseAt = eventMs(record, 'phase.started', 'fault');
    const injectedAt = eventMs(record, 'fault.injected');
    const rollbackDoneAt = eventMs(record, 'rollback.completed');
    const verifyEndAt = eventMs(record, 'phase.ended', 'verify');
    const cleanupStartAt = eventMs(record, 'phase.started', 'cleanup');
    const runStartedAt = Date.parse(record.startedAt);
    const m = record.measurements;
    const measuredMs =
      ((m.timeToDetectSeconds ?? 0) + (m.timeToDecideSeconds ?? 0) + (m.timeToRollbackSeconds ?? 0)) * 1000;
    const scriptedMs = spec.phases.baseline.duration + spec.phases.verify.window;
    const wallMs = exitedAt - spawnedAt;
    const targetDeployMs = injectedAt - faultPhaseAt;
    return {
      startupMs: baselineAt - spawnedAt,
      wallMs,
      overheadMs: wallMs - scriptedMs - measuredMs - targetDeployMs,
      breakdown: {
        'process start → run started (node, module loading)': runStartedAt - spawnedAt,
        'run started → baseline (demo processes, router, traffic)': baselineAt - runStartedAt,
        'baseline end → fault phase (baseline check)':
          faultPhaseAt - (baselineAt + spec.phases.baseline.duration),
        'deploying the candidate (target time, not counted as overhead)': targetDeployMs,
        'verify window end vs scripted': verifyEndAt - (rollbackDoneAt + spec.phases.verify.window),
        'cleanup, record and report, exit': exitedAt - cleanupStartAt,
      },
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function benchmarkDrillOverhead(
  runs: number,
  progress: (line: string) => void,
): Promise<BenchSection> {
  const figures: OverheadFigures[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`drill overhead: demo drill ${i + 1}/${runs} …`);
    figures.push(await runOnce('scenarios/demo-bad-release.yaml'));
  }
  const worst = (pick: (f: OverheadFigures) => number): number => Math.max(...figures.map(pick));
  const startup = worst((f) => f.startupMs);
  const overhead = worst((f) => f.overheadMs);
  const last = figures[figures.length - 1];
  const breakdown = last
    ? Object.entries(last.breakdown)
        .map(([what, ms]) => `| ${what} | ${formatMs(ms)} |`)
        .join('\n')
    : '';
  return {
    title: 'Drill overhead on the demo',
    method: `\`rollback-drill run scenarios/demo-bad-release.yaml\` from the built CLI, ${runs} runs, worst reported. Overhead = wall time − scripted phases (baseline, verify window) − measured phases (detect, decide, roll back) − the target's own deploy time.`,
    rows: [
      { name: 'run → first baseline request', figure: formatMs(startup), goal: '< 2 s', met: startup < 2000 },
      {
        name: 'drill time − scripted and measured phases',
        figure: formatMs(overhead),
        goal: '< 2 s',
        met: overhead < 2000,
      },
      {
        name: 'whole demo drill (wall)',
        figure: formatMs(worst((f) => f.wallMs)),
        goal: '< 2 min',
        met: worst((f) => f.wallMs) < 120_000,
      },
    ],
    analysis: `Where the time goes (last run):\n\n| step | time |\n|---|---|\n${breakdown}`,
  };
}
