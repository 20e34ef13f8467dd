/** writeExtraReports: report.html and junit.xml beside run.json, and never a throw. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeExtraReports } from '../../../exporters/reports/html-files.js';
import { REDACTED, SecretRedactor } from '../../../harness/core/secrets.js';
import { makeRunRecord } from '../../support/fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'extra-reports-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeExtraReports', () => {
  it('writes report.html and junit.xml into the run folder', async () => {
    const result = await writeExtraReports(dir, makeRunRecord());
    expect(result).toEqual({ written: [join(dir, 'report.html'), join(dir, 'junit.xml')], problems: [] });
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<svg class="sli-chart"');
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain(
      '<testsuites name="rollback-drill" tests="5"',
    );
  });

  it('reports a folder it cannot write to instead of throwing', async () => {
    const result = await writeExtraReports(join(dir, 'missing', 'folder'), makeRunRecord());
    expect(result.written).toEqual([]);
    expect(result.problems).toHaveLength(2);
    expect(result.problems[0]).toMatch(/^report\.html was not written: ENOENT/);
  });
});

describe('writeExtraReports and secrets', () => {
  it('redacts registered secrets from both files, even ones that escaping would change', async () => {
    const redactor = new SecretRedactor();
    redactor.add('tok&en<secret>42');
    const record = makeRunRecord({
      reason: 'auth failed with tok&en<secret>42',
      fault: { summary: 'x tok&en<secret>42' },
    });
    await writeExtraReports(dir, record, redactor);
    for (const file of ['report.html', 'junit.xml']) {
      const text = await readFile(join(dir, file), 'utf8');
      expect(text).not.toContain('secret');
      expect(text).toContain(REDACTED);
    }
  });
});
