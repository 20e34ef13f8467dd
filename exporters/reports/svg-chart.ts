/**
 * The SLI chart of the HTML postmortem: error ratio and p95 latency per second, one panel each,
 * with the SLO as a dashed line, the time the fault was in effect shaded, and a marker at each key
 * moment (fault, detected, decided, rollback completed, recovered). Inline SVG, no script, no
 * external asset. Pure: a function of the run record.
 */
import type { RunRecord } from '../../harness/store/run-record.js';
import { escapeHtml } from './html-escape.js';
import { markerLabelRows, niceCeiling, timeTicks, type PlacedLabel } from './svg-scale.js';

export interface SliPoint {
  readonly offsetSeconds: number;
  readonly errorRatio: number | null;
  readonly p95Ms: number | null;
}

export const MARKER_EVENTS = [
  { type: 'fault.injected', label: 'fault', color: '#c2410c' },
  { type: 'detected', label: 'detected', color: '#7c3aed' },
  { type: 'decided', label: 'decided', color: '#2563eb' },
  { type: 'rollback.completed', label: 'rollback completed', color: '#059669' },
  { type: 'rollback.failed', label: 'rollback failed', color: '#b91c1c' },
  { type: 'recovered', label: 'recovered', color: '#15803d' },
] as const;

export interface ChartMarker {
  readonly type: (typeof MARKER_EVENTS)[number]['type'];
  readonly label: string;
  readonly color: string;
  readonly offsetSeconds: number;
}

const WIDTH = 960;
const LEFT = 64;
const RIGHT = 20;
const PANEL_HEIGHT = 150;
const PANEL_GAP = 44;
const LABEL_ROW = 15;
const AXIS_SPACE = 30;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;

export function chartSeries(record: RunRecord): SliPoint[] {
  return record.sli.samples.map((sample) => ({
    offsetSeconds: sample.offsetSeconds,
    errorRatio: sample.requests > 0 ? sample.errors / sample.requests : null,
    p95Ms: sample.latencyMs?.p95 ?? null,
  }));
}

/** The first occurrence of each key moment, in time order. */
export function chartMarkers(record: RunRecord): ChartMarker[] {
  const markers: ChartMarker[] = [];
  for (const spec of MARKER_EVENTS) {
    const event = record.timeline.find((e) => e.type === spec.type);
    if (event) markers.push({ ...spec, offsetSeconds: event.offsetSeconds });
  }
  return markers.sort((a, b) => a.offsetSeconds - b.offsetSeconds);
}

interface SloLines {
  readonly errorBudget: number | null;
  readonly p95ThresholdMs: number | null;
}

/** The scenario's SLOs as the chart draws them; the spec is stored as plain data, so read it defensively. */
export function sloLines(record: RunRecord): SloLines {
  const slos = record.scenario.spec['slos'] as
    { availability?: unknown; latency?: { percentile?: unknown; threshold?: unknown }[] } | undefined;
  const availability = typeof slos?.availability === 'number' ? slos.availability : null;
  const p95 = slos?.latency?.find((l) => l.percentile === 95)?.threshold;
  return {
    errorBudget: availability === null ? null : 1 - availability,
    p95ThresholdMs: typeof p95 === 'number' ? p95 : null,
  };
}

export function renderSliChart(record: RunRecord): string {
  const points = chartSeries(record);
  if (points.length === 0)
    return '<p class="no-chart">No SLI samples were recorded (the drill ended before traffic ran).</p>';
  const interval = record.sli.intervalSeconds;
  const markers = chartMarkers(record);
  const lastSampleEnd = Math.max(...points.map((p) => p.offsetSeconds + interval));
  const domain = Math.max(lastSampleEnd, ...markers.map((m) => m.offsetSeconds), 1);
  const x = (seconds: number): number => LEFT + (seconds / domain) * PLOT_WIDTH;
  const placed = markerLabelRows(
    markers.map((m) => ({ text: `${m.label} +${m.offsetSeconds.toFixed(1)}s`, x: x(m.offsetSeconds) })),
    { minX: LEFT, maxX: WIDTH - RIGHT },
  );
  const rows = Math.max(1, ...placed.map((p) => p.row + 1));
  const top = rows * LABEL_ROW + 8;
  const panel1Top = top + 18;
  const panel2Top = panel1Top + PANEL_HEIGHT + PANEL_GAP;
  const height = panel2Top + PANEL_HEIGHT + AXIS_SPACE;
  const slo = sloLines(record);

  const errorMaxPercent = niceCeiling(
    Math.max(1, ...points.map((p) => (p.errorRatio ?? 0) * 100), (slo.errorBudget ?? 0) * 100 * 1.5),
  );
  const latencyMaxMs = niceCeiling(
    Math.max(10, ...points.map((p) => p.p95Ms ?? 0), (slo.p95ThresholdMs ?? 0) * 1.25),
  );

  const parts: string[] = [];
  parts.push(
    `<svg class="sli-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="chart-title chart-desc">`,
    '<title id="chart-title">SLIs over the drill: error ratio and p95 latency per second</title>',
    `<desc id="chart-desc">${escapeHtml(chartDescription(markers))}</desc>`,
  );
  parts.push(shadeFault(record, x, panel1Top, panel2Top + PANEL_HEIGHT - panel1Top, domain));
  parts.push(
    panel({
      top: panel1Top,
      title: `Error ratio per ${interval} s (%)`,
      max: errorMaxPercent,
      tickText: (v) => `${+v.toFixed(2)}%`,
      values: points.map((p) => ({
        at: p.offsetSeconds,
        value: p.errorRatio === null ? null : p.errorRatio * 100,
      })),
      interval,
      x,
      sloValue: slo.errorBudget === null ? null : slo.errorBudget * 100,
      sloText: slo.errorBudget === null ? '' : `SLO: ≤ ${+(slo.errorBudget * 100).toFixed(3)}% errors`,
      seriesClass: 'series-error',
    }),
    panel({
      top: panel2Top,
      title: `p95 latency per ${interval} s (ms)`,
      max: latencyMaxMs,
      tickText: (v) => `${+v.toFixed(1)}`,
      values: points.map((p) => ({ at: p.offsetSeconds, value: p.p95Ms })),
      interval,
      x,
      sloValue: slo.p95ThresholdMs,
      sloText: slo.p95ThresholdMs === null ? '' : `SLO: p95 ≤ ${slo.p95ThresholdMs} ms`,
      seriesClass: 'series-latency',
    }),
  );
  parts.push(timeAxis(domain, x, panel2Top + PANEL_HEIGHT));
  parts.push(markerLayer(markers, placed, x, top, panel2Top + PANEL_HEIGHT));
  parts.push('</svg>');
  return parts.join('\n');
}

function chartDescription(markers: readonly ChartMarker[]): string {
  if (markers.length === 0) return 'No key moments were recorded.';
  return `Markers: ${markers.map((m) => `${m.label} at +${m.offsetSeconds.toFixed(1)} s`).join(', ')}.`;
}

interface PanelSpec {
  readonly top: number;
  readonly title: string;
  readonly max: number;
  readonly tickText: (value: number) => string;
  readonly values: readonly { at: number; value: number | null }[];
  readonly interval: number;
  readonly x: (seconds: number) => number;
  readonly sloValue: number | null;
  readonly sloText: string;
  readonly seriesClass: string;
}

function panel(spec: PanelSpec): string {
  const bottom = spec.top + PANEL_HEIGHT;
  const y = (value: number): number => bottom - (Math.min(value, spec.max) / spec.max) * PANEL_HEIGHT;
  const out: string[] = [`<g class="panel">`];
  out.push(`<text class="panel-title" x="${LEFT}" y="${spec.top - 8}">${escapeHtml(spec.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const value = (spec.max * i) / 4;
    const ty = y(value).toFixed(1);
    out.push(
      `<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${ty}" y2="${ty}"/>`,
      `<text class="tick" x="${LEFT - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle">${escapeHtml(spec.tickText(value))}</text>`,
    );
  }
  // A step line: each sample holds its value over its whole interval; no sample (no requests) = a gap.
  let d = '';
  let open = false;
  for (const { at, value } of spec.values) {
    if (value === null) {
      open = false;
      continue;
    }
    const x1 = spec.x(at).toFixed(1);
    const x2 = spec.x(at + spec.interval).toFixed(1);
    const vy = y(value).toFixed(1);
    d += open ? `H${x1}V${vy}H${x2}` : `M${x1} ${vy}H${x2}`;
    open = true;
  }
  if (d) out.push(`<path class="series ${spec.seriesClass}" d="${d}"/>`);
  if (spec.sloValue !== null) {
    const sy = y(spec.sloValue).toFixed(1);
    out.push(
      `<line class="slo" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${sy}" y2="${sy}"/>`,
      `<text class="slo-label" x="${WIDTH - RIGHT - 4}" y="${(Number(sy) - 4).toFixed(1)}" text-anchor="end">${escapeHtml(spec.sloText)}</text>`,
    );
  }
  out.push(
    `<rect class="frame" x="${LEFT}" y="${spec.top}" width="${PLOT_WIDTH}" height="${PANEL_HEIGHT}"/>`,
  );
  out.push('</g>');
  return out.join('\n');
}

function shadeFault(
  record: RunRecord,
  x: (s: number) => number,
  top: number,
  height: number,
  domain: number,
): string {
  const start = record.timeline.find((e) => e.type === 'fault.injected')?.offsetSeconds;
  if (start === undefined) return '';
  const end =
    record.timeline.find((e) => e.type === 'rollback.completed' || e.type === 'fault.cleared')
      ?.offsetSeconds ?? domain;
  const x1 = x(start);
  return `<rect class="fault-window" x="${x1.toFixed(1)}" y="${top}" width="${Math.max(1, x(end) - x1).toFixed(1)}" height="${height}"><title>fault in effect</title></rect>`;
}

function timeAxis(domain: number, x: (s: number) => number, bottom: number): string {
  const out = ['<g class="time-axis">'];
  for (const tick of timeTicks(domain)) {
    const tx = x(tick.seconds).toFixed(1);
    out.push(
      `<line class="tick-mark" x1="${tx}" x2="${tx}" y1="${bottom}" y2="${bottom + 4}"/>`,
      `<text class="tick" x="${tx}" y="${bottom + 16}" text-anchor="middle">${escapeHtml(tick.text)}</text>`,
    );
  }
  out.push(
    `<text class="tick" x="${WIDTH - RIGHT}" y="${bottom + 28}" text-anchor="end">time since the drill started</text>`,
    '</g>',
  );
  return out.join('\n');
}

function markerLayer(
  markers: readonly ChartMarker[],
  placed: readonly PlacedLabel[],
  x: (s: number) => number,
  labelsBottom: number,
  lineBottom: number,
): string {
  const out = ['<g class="markers">'];
  markers.forEach((marker, index) => {
    const mx = x(marker.offsetSeconds).toFixed(1);
    const label = placed[index];
    const ly = labelsBottom - (label?.row ?? 0) * LABEL_ROW - 4;
    out.push(
      `<g class="marker" data-event="${escapeHtml(marker.type)}">`,
      `<line x1="${mx}" x2="${mx}" y1="${ly + 3}" y2="${lineBottom}" stroke="${marker.color}"/>`,
      `<text x="${(label?.x ?? Number(mx)).toFixed(1)}" y="${ly}" text-anchor="${label?.anchor ?? 'middle'}" fill="${marker.color}">${escapeHtml(label?.text ?? marker.label)}</text>`,
      '</g>',
    );
  });
  out.push('</g>');
  return out.join('\n');
}
