/**
 * The report formats GET /api/runs/:id/report?format=… can render, each a pure function of the
 * run record. Markdown is built in; more formats (the HTML postmortem, JUnit) are added by passing
 * a bigger map to the daemon — the route lists whatever the map holds.
 */
import { renderMarkdownReport } from '../../exporters/reports/markdown.js';
import type { RunRecord } from '../store/run-record.js';

export interface ReportRenderer {
  /** The Content-Type of the rendered report, e.g. `text/html; charset=utf-8`. */
  readonly contentType: string;
  render(record: RunRecord): string;
}

export type ReportRenderers = Readonly<Record<string, ReportRenderer>>;

export const DEFAULT_REPORT_FORMAT = 'markdown';

export const builtinReportRenderers: ReportRenderers = {
  markdown: { contentType: 'text/markdown; charset=utf-8', render: renderMarkdownReport },
};
