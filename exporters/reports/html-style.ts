/**
 * The one stylesheet of the HTML reports, inlined in each: the file must open anywhere (a CI
 * artifact, an email attachment, an air-gapped laptop) with no network. System fonts only.
 */
export const REPORT_CSS = `
:root { --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #ffffff; --panel: #f9fafb;
  --pass: #15803d; --fail: #b91c1c; --warn: #b45309; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 6px; line-height: 1.25; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p { margin: 6px 0; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
.meta { color: var(--muted); font-size: 14px; }
.meta span + span::before { content: " · "; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 13px; font-weight: 600;
  letter-spacing: 0.04em; color: #fff; vertical-align: middle; margin-left: 8px; }
.badge.passed { background: var(--pass); } .badge.failed { background: var(--fail); }
.badge.aborted, .badge.interrupted { background: var(--warn); }
.description { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--panel); border-left: 3px solid var(--line);
  padding: 8px 12px; margin: 12px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--panel); }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 24px; font-weight: 600; }
.card .objective { font-size: 13px; }
.card.met { border-top: 4px solid var(--pass); } .card.missed { border-top: 4px solid var(--fail); }
.met-text { color: var(--pass); font-weight: 600; white-space: nowrap; }
.missed-text { color: var(--fail); font-weight: 600; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 13px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.msg { overflow-wrap: anywhere; }
tr.key td { font-weight: 600; }
.chart-box { border: 1px solid var(--line); border-radius: 8px; padding: 8px; background: #fff; }
.sli-chart { width: 100%; height: auto; display: block; font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.sli-chart .grid { stroke: #eef0f3; }
.sli-chart .frame { fill: none; stroke: #d1d5db; }
.sli-chart .tick { fill: var(--muted); }
.sli-chart .tick-mark { stroke: #9ca3af; }
.sli-chart .panel-title { fill: var(--fg); font-weight: 600; font-size: 12px; }
.sli-chart .series { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
.sli-chart .series-error { stroke: #dc2626; } .sli-chart .series-latency { stroke: #2563eb; }
.sli-chart .slo { stroke: #111827; stroke-dasharray: 5 4; stroke-width: 1; opacity: 0.7; }
.sli-chart .slo-label { fill: #111827; font-size: 11px; }
.sli-chart .fault-window { fill: #fb923c; opacity: 0.12; }
.sli-chart .marker line { stroke-width: 1.4; stroke-dasharray: 3 2; }
.sli-chart .marker text { font-weight: 600; }
.phase-bars { width: 100%; height: auto; display: block; font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.phase-bars text { fill: var(--fg); } .phase-bars .bar-note { fill: var(--muted); }
td.when { white-space: nowrap; }
.sub { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.legend { color: var(--muted); font-size: 13px; margin-top: 6px; }
.legend .swatch { display: inline-block; width: 14px; height: 10px; vertical-align: baseline; margin: 0 4px 0 12px; }
ul.follow-ups li { margin-bottom: 8px; }
.no-chart { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } .chart-box, table { break-inside: avoid; } }
`;
