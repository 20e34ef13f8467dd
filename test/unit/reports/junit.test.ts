/** JUnit XML: one suite per drill, one case per objective plus the rollback; failures, errors, escaping. */
import { describe, expect, it } from 'vitest';
import { renderJunit, ROLLBACK_CASE_NAME } from '../../../exporters/reports/junit.js';
import { makeFailedRollbackRecord, makeRunRecord } from '../../support/fixtures.js';

/**
 * A small well-formedness check (no XML parser is a dependency; the browser test parses it for
 * real): tags nest and close, attributes are quoted and hold no raw <, & or ", text holds no raw < or &.
 */
function assertWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '');
  const stack: string[] = [];
  const token =
    /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|#39);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  let consumed = 0;
  for (let m = token.exec(body); m; m = token.exec(body)) {
    consumed = token.lastIndex;
    const [, closing, name, , selfClosing, text] = m;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|#39);)/.test(text)) throw new Error(`raw & in text: ${text}`);
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (!selfClosing) stack.push(name as string);
  }
  if (consumed !== body.length) throw new Error(`not XML at: ${body.slice(consumed, consumed + 80)}`);
  if (stack.length) throw new Error(`unclosed: ${stack.join(', ')}`);
}

function cases(xml: string): { name: string; body: string }[] {
  return [...xml.matchAll(/<testcase [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)].map((m) => ({
    name: m[1] ?? '',
    body: m[2] ?? '',
  }));
}

describe('renderJunit', () => {
  it('a passed drill: one suite, five passing cases with stable names and times in seconds', () => {
    const xml = renderJunit([makeRunRecord()]);
    assertWellFormed(xml);
    expect(xml).toContain(
      '<testsuites name="rollback-drill" tests="5" failures="0" errors="0" skipped="0" time="37.9">',
    );
    expect(xml).toContain(
      '<testsuite name="checkout-bad-release" id="0" timestamp="2026-11-22T06:00:00.000Z" tests="5"',
    );
    expect(cases(xml).map((c) => c.name)).toEqual([
      'time to detect',
      'time to decide',
      'time to roll back',
      'time to recover',
      ROLLBACK_CASE_NAME,
    ]);
    expect(xml).toContain(
      '<testcase classname="rollback-drill.checkout-bad-release" name="time to detect" time="3.2">',
    );
    expect(xml).toContain('<property name="runId" value="20261122T060000Z-checkout-bad-release-7f3a9c"/>');
    expect(xml).not.toMatch(/<failure|<error|<skipped/);
  });

  it('a failed rollback: the rollback case and the unmeasured objective fail, with messages', () => {
    const xml = renderJunit([makeFailedRollbackRecord()]);
    assertWellFormed(xml);
    const byName = Object.fromEntries(cases(xml).map((c) => [c.name, c.body]));
    expect(byName[ROLLBACK_CASE_NAME]).toContain(
      '<failure message="the rollback did not restore service: SLOs did not hold after the rollback" type="rollback-failed">',
    );
    expect(byName['time to recover']).toContain(
      '<failure message="time to recover was not measured (objective ≤ 30m)" type="not-measured">',
    );
    expect(xml).toContain('tests="5" failures="2" errors="0" skipped="0"');
  });

  it('a missed objective says by how much', () => {
    const record = makeRunRecord({
      result: 'failed',
      objectives: makeRunRecord().objectives.map((o) =>
        o.name === 'timeToDetect' ? { ...o, targetSeconds: 2, met: false } : o,
      ),
    });
    const detect = cases(renderJunit([record])).find((c) => c.name === 'time to detect');
    expect(detect?.body).toContain(
      '<failure message="time to detect 3s missed its objective of 2s" type="objective-missed">',
    );
  });

  it('an aborted drill: one error for the drill, objectives it never reached are skipped', () => {
    const record = makeRunRecord({
      result: 'aborted',
      reason: 'baseline out of SLO',
      measurements: {
        timeToDetectSeconds: null,
        timeToDecideSeconds: null,
        timeToRollbackSeconds: null,
        timeToRecoverSeconds: null,
        rollbackSucceeded: false,
      },
      objectives: makeRunRecord().objectives.map((o) => ({ ...o, actualSeconds: null, met: false })),
    });
    const xml = renderJunit([record]);
    assertWellFormed(xml);
    expect(xml).toContain('tests="5" failures="0" errors="1" skipped="4"');
    expect(xml).toContain('<error message="the drill was aborted: baseline out of SLO" type="aborted">');
    expect(xml).toContain(
      '<skipped message="not measured: the drill was aborted first" type="not-measured"/>',
    );
  });

  it('escapes hostile text in attributes and content, and drops characters XML cannot hold', () => {
    const hostile = `"><script>alert(1)</script> & 'x' \u0001`;
    const xml = renderJunit([
      makeFailedRollbackRecord({
        reason: hostile,
        scenario: { name: hostile, team: hostile },
        fault: { summary: hostile },
        measurements: { rollbackFailureReason: hostile },
      }),
    ]);
    assertWellFormed(xml);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u0001');
    expect(xml).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;x&#39; \uFFFD');
  });

  it('several drills: one suite each, totals added up', () => {
    const xml = renderJunit([makeRunRecord(), makeFailedRollbackRecord({ runId: 'second' })]);
    assertWellFormed(xml);
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toContain(
      '<testsuites name="rollback-drill" tests="10" failures="2" errors="0" skipped="0" time="75.8">',
    );
  });
});
