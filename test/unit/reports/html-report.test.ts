/** report.html as text: self-contained, escaped, and carrying the same content as report.md. */
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../exporters/reports/html.js';
import { REPORT_CSP } from '../../../exporters/reports/html-document.js';
import { escapeHtml } from '../../../exporters/reports/html-escape.js';
import { makeFailedRollbackRecord, makeRunRecord } from '../../support/fixtures.js';

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert('2')"> & done`;

function hostileRecord() {
  const base = makeRunRecord();
  const metadata = base.scenario.spec['metadata'] as Record<string, unknown>;
  return makeRunRecord({
    reason: HOSTILE,
    failures: [HOSTILE, HOSTILE],
    scenario: { environment: HOSTILE, spec: { metadata: { ...metadata, description: HOSTILE } } },
    fault: { summary: HOSTILE, kind: HOSTILE },
    detector: { reason: HOSTILE, settings: { note: HOSTILE } },
    decision: { decidedBy: HOSTILE },
    target: { versionAfterRun: HOSTILE },
    timeline: base.timeline.map((event) => ({ ...event, message: HOSTILE })),
    exports: { otel: { traceId: HOSTILE } },
  });
}

describe('escaping', () => {
  it('escapes the five HTML characters and replaces characters XML cannot hold', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml('a\u0000b\u001Fc\td\ne')).toBe('a\uFFFDb\uFFFDc\td\ne');
    expect(escapeHtml('lone \uD800 surrogate, pair \uD83D\uDE00')).toBe(
      'lone \uFFFD surrogate, pair \uD83D\uDE00',
    );
  });

  it('leaves no scenario, adapter or user text unescaped anywhere in the page', () => {
    const html = renderHtmlReport(hostileRecord());
    expect(html).not.toMatch(/<script|<img|onerror="/i);
    expect(html).toContain(escapeHtml(HOSTILE));
    // Every occurrence of the hostile text is the escaped one.
    expect(html.split(escapeHtml(HOSTILE)).length).toBeGreaterThan(8);
  });
});

describe('renderHtmlReport', () => {
  it('is one self-contained file: inline CSS and SVG, no script, nothing fetched, a CSP that loads nothing', () => {
    const html = renderHtmlReport(makeRunRecord());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`);
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']/i);
    expect(html.match(/https?:\/\/[^"\s<]+/g)).toEqual(['http://www.w3.org/2000/svg']);
    expect(html).toContain('<style>');
    expect(html).toContain('<svg class="sli-chart"');
  });

  it('has summary cards, the chart, measurements against objectives, windows, timeline and follow-ups', () => {
    const html = renderHtmlReport(makeRunRecord());
    expect(html).toContain('<title>Rollback drill: checkout-bad-release — PASSED</title>');
    for (const id of ['summary', 'sli-chart', 'objectives', 'windows', 'timeline', 'follow-ups', 'how'])
      expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain(
      '<div class="card met" data-measurement="timeToDetectSeconds"><div class="label">Time to detect</div><div class="value">3s</div>',
    );
    expect(html).toContain('Nothing failed: every objective was met');
    // phase.ended rows are left out: a phase's end is the next one's start.
    expect(html).not.toContain('<code>phase.ended</code>');
  });

  it('marks missed objectives and the failed rollback, with the follow-ups that go with them', () => {
    const html = renderHtmlReport(makeFailedRollbackRecord());
    expect(html).toContain('<span class="badge failed">FAILED</span>');
    expect(html).toContain('<div class="card missed" data-measurement="timeToRecoverSeconds">');
    expect(html).toContain('<span class="missed-text">failed</span>: SLOs did not hold after the rollback');
    expect(html).toContain('The rollback did not succeed: SLOs did not hold after the rollback');
    expect(html).toContain('Look for state the bad release left behind');
  });

  it('says so instead of drawing an empty chart when no SLI sample was recorded', () => {
    const html = renderHtmlReport(
      makeRunRecord({ result: 'aborted', sli: { intervalSeconds: 1, samples: [] }, timeline: [] }),
    );
    expect(html).toContain('No SLI samples were recorded');
    expect(html).not.toContain('<svg');
  });
});
