/** The game-day report as one self-contained HTML page (same page and rules as report.html). */
import { percent, seconds } from './format.js';
import { GAMEDAY_MEASUREMENTS, gamedayHeadline, type GamedaySummary } from './gameday-summary.js';
import { htmlDocument } from './html-document.js';
import { escapeHtml as e } from './html-escape.js';
import { MEASUREMENT_WORDS, RESULT_WORD, measurementText } from './html.js';
import { PHASE_SEGMENTS, renderPhaseBars } from './svg-phase-bars.js';

export function renderGamedayHtml(summary: GamedaySummary): string {
  const generator = `rollback-drill ${summary.records[0]?.harnessVersion ?? ''}`.trim();
  if (summary.records.length === 0)
    return htmlDocument(
      'Game day report',
      '<h1>Game day report</h1>\n<p>No drills to report.</p>',
      generator,
    );
  const ratio = (a: number, b: number): string => (b ? percent(a / b, 0) : '—');
  const body = [
    `<header><h1>Game day report</h1><p class="meta"><span>${e(gamedayHeadline(summary))}</span><span>${e(summary.firstStartedAt ?? '')} → ${e(summary.lastEndedAt ?? '')}</span></p></header>`,
    '<section id="summary"><div class="cards">',
    `<div class="card"><div class="label">Drills passed</div><div class="value">${summary.results.passed} / ${summary.records.length}</div></div>`,
    `<div class="card"><div class="label">Rollbacks that restored service</div><div class="value">${summary.rollbacksSucceeded} / ${summary.rollbacksAttempted}</div><div class="objective">${ratio(summary.rollbacksSucceeded, summary.rollbacksAttempted)}</div></div>`,
    `<div class="card"><div class="label">Objectives met</div><div class="value">${summary.objectivesMet} / ${summary.objectivesTotal}</div><div class="objective">${ratio(summary.objectivesMet, summary.objectivesTotal)}</div></div>`,
    '</div></section>',
    '<section id="phase-bars"><h2>Where the time went</h2>',
    `<div class="chart-box">${renderPhaseBars(summary.records)}</div>`,
    `<p class="legend">${PHASE_SEGMENTS.map((s) => `<span class="swatch" style="background:${s.color}"></span>${e(s.label)}`).join('')}</p>`,
    '</section>',
    drillsTable(summary),
    scenarioTable(summary),
    followUpList(summary),
  ].join('\n');
  return htmlDocument('Game day report', body, generator);
}

function drillsTable(summary: GamedaySummary): string {
  const head = GAMEDAY_MEASUREMENTS.map((n) => `<th class="num">${MEASUREMENT_WORDS[n]}</th>`).join('');
  const rows = summary.records.map((r) => {
    const times = GAMEDAY_MEASUREMENTS.map((n) => `<td class="num">${e(measurementText(r, n))}</td>`).join(
      '',
    );
    const drill = `<b>${e(r.scenario.name)}</b> <span class="sub">(${e(r.scenario.service)})</span><div class="sub">${e(r.fault.summary)}</div><div class="sub mono">${e(r.runId)}</div>`;
    return `<tr><td class="when mono">${e(r.startedAt.slice(0, 16).replace('T', ' '))}</td><td>${drill}</td><td><span class="badge ${r.result}">${RESULT_WORD[r.result]}</span></td>${times}</tr>`;
  });
  return `<section id="drills"><h2>Drills</h2>
<table><thead><tr><th>Started (UTC)</th><th>Drill</th><th>Result</th>${head}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

function scenarioTable(summary: GamedaySummary): string {
  const head = GAMEDAY_MEASUREMENTS.map((n) => `<th class="num">${MEASUREMENT_WORDS[n]}</th>`).join('');
  const rows = summary.scenarios.map((s) => {
    const medians = GAMEDAY_MEASUREMENTS.map((n) => `<td class="num">${e(seconds(s.medians[n]))}</td>`).join(
      '',
    );
    return `<tr><td>${e(s.scenario)}</td><td>${e(s.service)}</td><td class="num">${s.runs}</td><td class="num">${s.passed}</td>${medians}</tr>`;
  });
  return `<section id="scenarios"><h2>Per scenario</h2><p class="meta">Medians over the drills that measured each time.</p>
<table><thead><tr><th>Scenario</th><th>Service</th><th class="num">Drills</th><th class="num">Passed</th>${head}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

function followUpList(summary: GamedaySummary): string {
  const items = summary.followUps.map(
    ({ runId, scenario, item }) =>
      `<li><b>${e(scenario)}</b> <code>${e(runId)}</code>: <b>${e(item.what)}</b> — ${e(item.suggestion)}</li>`,
  );
  return `<section id="follow-ups"><h2>What failed and follow-ups</h2>
${items.length ? `<ul class="follow-ups">${items.join('\n')}</ul>` : '<p>Nothing failed: every drill met its objectives and rolled back cleanly.</p>'}
</section>`;
}
