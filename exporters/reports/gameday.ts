/**
 * The game-day report: several drills (a morning of them, or a quarter's scheduled runs) in one
 * document, as markdown (to paste into a doc or a PR) and as self-contained HTML.
 */
import type { RunRecord } from '../../harness/store/run-record.js';
import { cell, seconds } from './format.js';
import { renderGamedayHtml } from './gameday-html.js';
import {
  GAMEDAY_MEASUREMENTS,
  gamedayHeadline,
  summarizeGameday,
  type GamedaySummary,
} from './gameday-summary.js';
import { MEASUREMENT_WORDS, RESULT_WORD, measurementText } from './html.js';

export interface GamedayReport {
  readonly markdown: string;
  readonly html: string;
}

export function renderGamedayReport(records: readonly RunRecord[]): GamedayReport {
  const summary = summarizeGameday(records);
  return { markdown: renderGamedayMarkdown(summary), html: renderGamedayHtml(summary) };
}

export function renderGamedayMarkdown(summary: GamedaySummary): string {
  const lines: string[] = ['# Game day report', ''];
  if (summary.records.length === 0) {
    lines.push('No drills to report.', '');
    return lines.join('\n');
  }
  lines.push(`${gamedayHeadline(summary)} · ${summary.firstStartedAt} → ${summary.lastEndedAt}`, '');
  lines.push(
    `- **Rollbacks** that restored service: ${summary.rollbacksSucceeded} of ${summary.rollbacksAttempted} attempted.`,
    `- **Objectives** met: ${summary.objectivesMet} of ${summary.objectivesTotal}.`,
    '',
  );
  lines.push('## Drills', '');
  lines.push(
    '| Started (UTC) | Scenario | Service | Fault | Result | Detect | Decide | Roll back | Recover | Run |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of summary.records) {
    const times = GAMEDAY_MEASUREMENTS.map((name) => measurementText(r, name)).join(' | ');
    lines.push(
      `| ${r.startedAt.slice(0, 19).replace('T', ' ')} | ${cell(r.scenario.name)} | ${cell(r.scenario.service)} | ${cell(r.fault.summary)} | ${RESULT_WORD[r.result]} | ${times} | \`${cell(r.runId)}\` |`,
    );
  }
  lines.push('', '## Per scenario (medians over the drills that measured each time)', '');
  lines.push(
    `| Scenario | Service | Drills | Passed | ${GAMEDAY_MEASUREMENTS.map((n) => MEASUREMENT_WORDS[n]).join(' | ')} |`,
    '|---|---|---|---|---|---|---|---|',
  );
  for (const s of summary.scenarios) {
    const medians = GAMEDAY_MEASUREMENTS.map((name) => seconds(s.medians[name])).join(' | ');
    lines.push(`| ${cell(s.scenario)} | ${cell(s.service)} | ${s.runs} | ${s.passed} | ${medians} |`);
  }
  lines.push('', '## What failed and follow-ups', '');
  if (summary.followUps.length === 0)
    lines.push('Nothing failed: every drill met its objectives and rolled back cleanly.');
  for (const { runId, scenario, item } of summary.followUps)
    lines.push(`- **${cell(scenario)}** (\`${cell(runId)}\`): **${cell(item.what)}** — ${item.suggestion}`);
  lines.push('');
  return lines.join('\n');
}
