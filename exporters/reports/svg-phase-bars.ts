/**
 * The game-day chart: one horizontal bar per drill, split into time to detect, to decide and to
 * roll back — where each drill's time went, comparable at a glance. Inline SVG, pure.
 */
import type { RunRecord } from '../../harness/store/run-record.js';
import { seconds } from './format.js';
import { escapeHtml } from './html-escape.js';
import { niceCeiling } from './svg-scale.js';

export const PHASE_SEGMENTS = [
  { measurement: 'timeToDetectSeconds', label: 'detect', color: '#7c3aed' },
  { measurement: 'timeToDecideSeconds', label: 'decide', color: '#2563eb' },
  { measurement: 'timeToRollbackSeconds', label: 'roll back', color: '#059669' },
] as const;

const WIDTH = 960;
const LABEL_WIDTH = 260;
const RIGHT = 120;
const BAR = 18;
const ROW = 28;
const TOP = 10;
/** What fits in LABEL_WIDTH at 12 px. */
const MAX_LABEL_CHARS = 38;

export function renderPhaseBars(records: readonly RunRecord[]): string {
  if (records.length === 0) return '';
  const total = (r: RunRecord): number =>
    PHASE_SEGMENTS.reduce((sum, s) => sum + (r.measurements[s.measurement] ?? 0), 0);
  const max = niceCeiling(Math.max(1, ...records.map(total)));
  const plot = WIDTH - LABEL_WIDTH - RIGHT;
  const height = TOP + records.length * ROW + 24;
  const x = (s: number): number => LABEL_WIDTH + (s / max) * plot;
  const out = [
    `<svg class="phase-bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="bars-title">`,
    '<title id="bars-title">Time to detect, decide and roll back per drill</title>',
  ];
  records.forEach((record, index) => {
    const y = TOP + index * ROW;
    out.push(
      `<g class="drill-bar" data-run-id="${escapeHtml(record.runId)}">`,
      `<text x="${LABEL_WIDTH - 8}" y="${y + BAR / 2}" text-anchor="end" dominant-baseline="middle">${escapeHtml(barLabel(record))}<title>${escapeHtml(`${record.scenario.name} · ${record.runId}`)}</title></text>`,
    );
    let at = 0;
    for (const segment of PHASE_SEGMENTS) {
      const value = record.measurements[segment.measurement];
      if (value === null || value <= 0) continue;
      out.push(
        `<rect x="${x(at).toFixed(1)}" y="${y}" width="${Math.max(1, x(at + value) - x(at)).toFixed(1)}" height="${BAR}" fill="${segment.color}"><title>${escapeHtml(`${segment.label}: ${seconds(value)}`)}</title></rect>`,
      );
      at += value;
    }
    const unreached = PHASE_SEGMENTS.find((s) => record.measurements[s.measurement] === null);
    const note = unreached ? `no ${unreached.label}` : seconds(+at.toFixed(3));
    out.push(
      `<text x="${(x(at) + 6).toFixed(1)}" y="${y + BAR / 2}" dominant-baseline="middle" class="bar-note">${escapeHtml(note)}</text>`,
      '</g>',
    );
  });
  out.push(
    `<line x1="${LABEL_WIDTH}" x2="${LABEL_WIDTH + plot}" y1="${height - 20}" y2="${height - 20}" stroke="#d1d5db"/>`,
    `<text x="${LABEL_WIDTH}" y="${height - 6}" class="bar-note">0</text>`,
    `<text x="${LABEL_WIDTH + plot}" y="${height - 6}" text-anchor="end" class="bar-note">${escapeHtml(seconds(max))}</text>`,
    '</svg>',
  );
  return out.join('\n');
}

/** "checkout-bad-release · 11-22 06:00", shortened to fit the label column. */
function barLabel(record: RunRecord): string {
  const when = record.startedAt.slice(5, 16).replace('T', ' ');
  const room = MAX_LABEL_CHARS - when.length - 3;
  const name =
    record.scenario.name.length > room ? `${record.scenario.name.slice(0, room - 1)}…` : record.scenario.name;
  return `${name} · ${when}`;
}
