/**
 * The combined game-day report: one folder beside the runs, `<out>/<gamedayId>/`, holding
 * gameday.md and gameday.html (exporters/reports/gameday.ts: every drill, medians per scenario,
 * follow-ups), a short part of our own for what did not run or could not be recorded, and
 * gameday.json — which run folders belong to this game day, for tools.
 */
import { join, relative } from 'node:path';
import { renderGamedayReport } from '../../exporters/reports/gameday.js';
import { ensureRunFolder, newRunId } from '../store/run-store.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { GamedayPlan } from './model.js';
import type { GamedayOutcome } from './run-gameday.js';

export const GAMEDAY_INDEX_VERSION = 'rollback-drill/gameday-result/v1';

export interface SavedGameday {
  readonly id: string;
  readonly folder: string;
  readonly markdownPath: string;
  readonly htmlPath: string;
  readonly indexPath: string;
}

export async function saveGamedayReport(
  out: string,
  plan: GamedayPlan,
  outcome: GamedayOutcome,
): Promise<SavedGameday> {
  const id = newRunId(`gameday-${plan.name}`, Date.parse(outcome.startedAt));
  const folder = await ensureRunFolder(out, id);
  const records = outcome.drills.flatMap((d) => (d.record ? [d.record] : []));
  const report = renderGamedayReport(records);
  const header = [
    `> Game day **${plan.name}**${plan.description ? ` — ${plan.description}` : ''} (\`${relative(process.cwd(), plan.file) || plan.file}\`): ` +
      `**${outcome.result.toUpperCase()}**, ${records.length} of ${outcome.drills.length} drills ran.`,
    '',
  ].join('\n');
  const markdown = insertAfterTitle(report.markdown, header) + missingSection(outcome);
  const paths = {
    markdownPath: join(folder, 'gameday.md'),
    htmlPath: join(folder, 'gameday.html'),
    indexPath: join(folder, 'gameday.json'),
  };
  await writeFileAtomic(paths.markdownPath, markdown);
  await writeFileAtomic(paths.htmlPath, report.html);
  await writeFileAtomic(paths.indexPath, `${JSON.stringify(indexOf(id, plan, outcome), null, 2)}\n`);
  return { id, folder, ...paths };
}

function insertAfterTitle(markdown: string, text: string): string {
  const [title, ...rest] = markdown.split('\n');
  return [title, '', text, ...rest].join('\n');
}

/** Drills without a record: not run (a stop, an interrupt) or failed outside the drill itself. */
function missingSection(outcome: GamedayOutcome): string {
  const missing = outcome.drills.filter((d) => !d.record);
  if (missing.length === 0) return '';
  const lines = [
    '',
    '## Drills without a record',
    '',
    '| Step | Scenario | File | Why |',
    '|---|---|---|---|',
  ];
  for (const d of missing) {
    lines.push(
      `| ${d.step} | ${escapeCell(d.scenarioName)} | \`${escapeCell(d.ref)}\` | ${escapeCell(`${d.status}: ${d.reason ?? ''}`)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function indexOf(id: string, plan: GamedayPlan, outcome: GamedayOutcome): Record<string, unknown> {
  return {
    apiVersion: GAMEDAY_INDEX_VERSION,
    id,
    name: plan.name,
    file: plan.file,
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    result: outcome.result,
    drills: outcome.drills.map((d) => ({
      step: d.step,
      scenario: d.scenarioName,
      file: d.ref,
      status: d.status,
      result: d.record?.result ?? null,
      runId: d.record?.runId ?? null,
      recordPath: d.saved?.recordPath ?? null,
      reason: d.reason ?? d.record?.reason ?? null,
    })),
  };
}
