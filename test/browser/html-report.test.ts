/**
 * The HTML reports in a real browser (Debian chromium through playwright-core): report.html renders
 * with its SLI chart and markers, fetches nothing, logs no error, fires no dialog, and shows hostile
 * scenario text as text. The game-day page and junit.xml are checked the same way.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderGamedayReport } from '../../exporters/reports/gameday.js';
import { writeExtraReports } from '../../exporters/reports/html-files.js';
import type { RunRecord } from '../../harness/store/run-record.js';
import { makeFailedRollbackRecord, makeRunRecord } from '../support/fixtures.js';
import { describeWithChromium, launchChromium, watchPage, type Chromium } from './chromium.js';

const DESCRIPTION = `Deploy a release that fails checkouts.\n<script>alert(1)</script> <img src=x onerror="alert(2)"> & "quoted" 'single'`;
const TIMELINE_MESSAGE = '<img src=x onerror=alert(3)> candidate serving';
const REASON = '</title><script>alert(4)</script> rolled back';
const VERSION = '0.1.0"><script>alert(5)</script>';
const SCREENSHOT = '/tmp/rollback-drill-report.png';

interface XmlElement {
  getAttribute(name: string): string | null;
}
interface XmlParser {
  parseFromString(
    text: string,
    type: string,
  ): {
    getElementsByTagName(name: string): ArrayLike<XmlElement> & Iterable<XmlElement>;
    querySelector(selector: string): XmlElement | null;
  };
}

function hostileRecord(): RunRecord {
  const base = makeRunRecord();
  return makeRunRecord({
    harnessVersion: VERSION,
    reason: REASON,
    scenario: {
      team: '<b>payments</b>',
      spec: { metadata: { ...metadataOf(base), description: DESCRIPTION } },
    },
    fault: { summary: 'deploy <i>1.5.0-errors</i>' },
    timeline: base.timeline.map((event) =>
      event.type === 'fault.injected' ? { ...event, message: TIMELINE_MESSAGE } : event,
    ),
  });
}

function metadataOf(record: RunRecord): Record<string, unknown> {
  return record.scenario.spec['metadata'] as Record<string, unknown>;
}

describeWithChromium('HTML reports in headless chromium', () => {
  let browser: Chromium | undefined;
  let dir: string;
  let record: RunRecord;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'html-report-'));
    record = hostileRecord();
    const result = await writeExtraReports(dir, record);
    expect(result.problems).toEqual([]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('report.html renders its chart and markers, escapes hostile text, and does nothing else', async () => {
    const url = pathToFileURL(join(dir, 'report.html')).href;
    const page = await (browser as Chromium).context.newPage();
    const watch = watchPage(page, url);
    await page.goto(url, { waitUntil: 'load' });

    expect(await page.title()).toBe('Rollback drill: checkout-bad-release — PASSED');
    const chart = page.locator('svg.sli-chart');
    await expect.poll(() => chart.count()).toBe(1);
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(600);
    expect(box?.height).toBeGreaterThan(300);
    expect(
      await page
        .locator('svg.sli-chart .marker')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-event'))),
    ).toEqual(['fault.injected', 'detected', 'decided', 'rollback.completed', 'recovered']);
    for (const series of ['series-error', 'series-latency'])
      expect(await page.locator(`svg.sli-chart path.${series}`).getAttribute('d')).toMatch(
        /^M[\d.]+ [\d.]+H/,
      );
    expect(await page.locator('svg.sli-chart line.slo').count()).toBe(2);

    // Injected markup stays text: no element was created from it, and it reads as written.
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('main i').count()).toBe(0);
    expect(await page.locator('#scenario-description').textContent()).toBe(DESCRIPTION);
    expect(await page.locator('#timeline').textContent()).toContain(TIMELINE_MESSAGE);
    expect(await page.locator('#summary').textContent()).toContain(REASON);
    expect(await page.locator('footer').textContent()).toContain(VERSION);
    expect(await page.locator('header').textContent()).toContain('<b>payments</b>');

    expect(await page.locator('#objectives tbody tr').count()).toBe(4);
    expect(await page.locator('#follow-ups').textContent()).toContain('Nothing failed');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(watch).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [], externalRequests: [] });
    await page.close();
  });

  it('the game-day page renders its bars and tables with the same guarantees', async () => {
    const failed = makeFailedRollbackRecord({
      runId: 'run-2"><script>alert(6)</script>',
      startedAt: '2026-11-22T07:00:00.000Z',
    });
    const path = join(dir, 'gameday.html');
    await writeFile(path, renderGamedayReport([hostileRecord(), failed]).html);
    const url = pathToFileURL(path).href;
    const page = await (browser as Chromium).context.newPage();
    const watch = watchPage(page, url);
    await page.goto(url, { waitUntil: 'load' });

    expect(await page.locator('svg.phase-bars .drill-bar').count()).toBe(2);
    expect(await page.locator('#drills tbody tr').count()).toBe(2);
    expect(await page.locator('#follow-ups li').count()).toBeGreaterThan(0);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('svg.phase-bars .drill-bar').nth(1).getAttribute('data-run-id')).toBe(
      'run-2"><script>alert(6)</script>',
    );
    await page.screenshot({ path: '/tmp/rollback-drill-gameday.png', fullPage: true });
    expect(watch).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [], externalRequests: [] });
    await page.close();
  });

  it('junit.xml is well-formed XML a browser parses, with one case per objective plus the rollback', async () => {
    const xml = await readFile(join(dir, 'junit.xml'), 'utf8');
    const page = await (browser as Chromium).context.newPage();
    const parsed = await page.evaluate((text) => {
      // Runs in the page; the project's TypeScript has no DOM library, so the parser is typed here.
      const { DOMParser } = globalThis as unknown as { DOMParser: new () => XmlParser };
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        cases: [...doc.getElementsByTagName('testcase')].map((c) => c.getAttribute('name')),
        reason: doc.querySelector('property[name="reason"]')?.getAttribute('value'),
      };
    }, xml);
    expect(parsed).toEqual({
      errors: 0,
      cases: [
        'time to detect',
        'time to decide',
        'time to roll back',
        'time to recover',
        'rollback restores service',
      ],
      reason: REASON,
    });
    await page.close();
  });
});
