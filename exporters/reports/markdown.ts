/**
 * The postmortem report (report.md) written beside every run record: something a team can paste
 * into an incident doc. Pure: a function of the record.
 */
import type { RunRecord, WindowRecord } from '../../harness/store/run-record.js';
import { cell, ms, percent, seconds, signed } from './format.js';
import { followUps } from './follow-ups.js';

const RESULT_WORD: Record<RunRecord['result'], string> = {
  passed: 'PASSED',
  failed: 'FAILED',
  aborted: 'ABORTED',
  interrupted: 'INTERRUPTED',
};

const MEASUREMENT_WORDS = {
  timeToDetectSeconds: 'Time to detect',
  timeToDecideSeconds: 'Time to decide',
  timeToRollbackSeconds: 'Time to roll back',
  timeToRecoverSeconds: 'Time to recover',
} as const;

export function renderMarkdownReport(record: RunRecord): string {
  const lines: string[] = [];
  const m = record.measurements;
  lines.push(`# Rollback drill: ${record.scenario.name} — ${RESULT_WORD[record.result]}`, '');
  lines.push(
    `**Service** ${record.scenario.service} · **Environment** ${record.scenario.environment} · **Team** ${record.scenario.team} · **Run** \`${record.runId}\``,
    '',
  );
  lines.push('## Summary', '');
  lines.push(`- **Started** ${record.startedAt}, lasted ${seconds(record.durationSeconds)}.`);
  lines.push(`- **Fault**: ${record.fault.summary} (\`${record.fault.kind}\`).`);
  lines.push(`- **Result**: ${RESULT_WORD[record.result]} — ${record.reason}.`);
  const at = (name: keyof typeof MEASUREMENT_WORDS): string =>
    seconds(m[name], m.observations[name]?.resolutionSeconds);
  lines.push(
    `- **Detect** ${at('timeToDetectSeconds')} · **Decide** ${at('timeToDecideSeconds')} · **Roll back** ${at('timeToRollbackSeconds')} · **Recover** ${at('timeToRecoverSeconds')}.`,
  );
  lines.push(
    `- **Rollback** ${m.rollbackSucceeded ? 'succeeded' : `failed: ${m.rollbackFailureReason ?? 'unknown'}`}; version serving after the run: ${record.target.versionAfterRun ?? 'unknown'} (stable ${record.target.stableVersion}).`,
  );
  lines.push(
    `- **Impact**: ${m.impact.failedRequests} of ${m.impact.requests} requests failed (${m.impact.windowDescription})${m.impact.droppedRequests ? `, ${m.impact.droppedRequests} dropped by the load generator` : ''}.`,
  );
  const traceId = record.exports['otel']?.['traceId'];
  if (typeof traceId === 'string') lines.push(`- **Trace**: \`${traceId}\``);
  lines.push('');

  lines.push('## Measurements against objectives', '');
  lines.push('| Measurement | Value | Objective | Met | How it was observed |', '|---|---|---|---|---|');
  for (const objective of record.objectives) {
    const observation = m.observations[objective.measurement];
    lines.push(
      `| ${MEASUREMENT_WORDS[objective.measurement]} | ${seconds(objective.actualSeconds, observation?.resolutionSeconds)} | ≤ ${seconds(objective.targetSeconds)} | ${objective.met ? '✅ met' : '❌ missed'} | ${cell(observation ? `${observation.method} (±${observation.resolutionSeconds}s)` : '—')} |`,
    );
  }
  lines.push('');

  lines.push('## SLIs before, during and after', '');
  lines.push(
    '| Window | Requests | Errors | Availability | p50 | p95 | p99 | Dropped |',
    '|---|---|---|---|---|---|---|---|',
  );
  const windowRow = (name: string, w: WindowRecord | null): string =>
    w
      ? `| ${name} (${w.startOffsetSeconds}s → ${w.endOffsetSeconds}s) | ${w.requests} | ${w.errors} | ${percent(w.availability)} | ${ms(w.latencyMs?.p50)} | ${ms(w.latencyMs?.p95)} | ${ms(w.latencyMs?.p99)} | ${w.dropped} |`
      : `| ${name} | — | — | — | — | — | — | — |`;
  lines.push(windowRow('Baseline', record.windows.baseline));
  lines.push(windowRow('Fault', record.windows.fault));
  lines.push(windowRow('After rollback', record.windows.postRollback));
  const d = m.postRollbackSliDelta;
  lines.push(
    `| **Delta after − baseline** | | | ${signed(d.availability, (v) => percent(v, 3))} | ${signed(d.latencyP50Ms, ms)} | ${signed(d.latencyP95Ms, ms)} | ${signed(d.latencyP99Ms, ms)} | |`,
  );
  lines.push('');

  lines.push('## Timeline', '');
  lines.push('| +s | Time (UTC) | Phase | Event |', '|---|---|---|---|');
  for (const event of record.timeline) {
    if (event.type === 'phase.ended') continue; // a phase's end is the next one's start
    lines.push(
      `| ${event.offsetSeconds.toFixed(3)} | ${event.at.slice(11, 23)} | ${event.phase ?? ''} | ${cell(event.message)} |`,
    );
  }
  lines.push('');

  const items = followUps(record);
  lines.push('## What failed and follow-ups', '');
  if (items.length === 0)
    lines.push('Nothing failed: every objective was met and the rollback restored service.');
  for (const item of items) lines.push(`- **${cell(item.what)}** — ${item.suggestion}`);
  lines.push('');

  lines.push('## How this drill was run', '');
  lines.push(`- Target: \`${record.target.kind}\`; stable version ${record.target.stableVersion}.`);
  lines.push(
    `- Detector: \`${record.detector.kind}\` ${cell(JSON.stringify(record.detector.settings))} — ${record.detector.observation.method}; ${record.detector.fired ? `fired: ${record.detector.reason ?? ''}` : 'did not fire'}.`,
  );
  lines.push(
    `- Decision: \`${record.decision.kind}\`${record.decision.decidedBy ? `, decided by ${record.decision.decidedBy}` : ''}.`,
  );
  lines.push(
    `- Scenario file: ${record.scenario.file ?? '(none)'}; rollback-drill ${record.harnessVersion}.`,
  );
  lines.push('');
  return lines.join('\n');
}
