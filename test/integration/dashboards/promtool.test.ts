/** The rule files pass `promtool check rules` cleanly and their unit tests pass `promtool test rules`. */
import { readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repositoryRoot } from '../../../dashboards/src/generate.js';
import { describeWithServers } from '../../support/external-binaries.js';
import { runPromtool } from '../../support/prometheus.js';

const dir = join(repositoryRoot(), 'dashboards', 'prometheus');
const ruleFiles = readdirSync(dir)
  .filter((name) => name.endsWith('.rules.yml'))
  .sort()
  .map((name) => join(dir, name));
const testFiles = readdirSync(join(dir, 'tests'))
  .filter((name) => name.endsWith('.test.yml'))
  .sort()
  .map((name) => join(dir, 'tests', name));

describeWithServers(['promtool'], 'promtool on dashboards/prometheus', () => {
  it('finds the two rule files and their three test files', () => {
    expect(ruleFiles.map((f) => f.slice(dir.length + 1))).toEqual([
      'alerts.rules.yml',
      'recording.rules.yml',
    ]);
    expect(testFiles.map((f) => f.slice(dir.length + 1))).toEqual([
      'tests/alerts-days.test.yml',
      'tests/alerts.test.yml',
      'tests/recording.test.yml',
    ]);
  });

  it('check rules: every file SUCCESS, no warnings', async () => {
    const result = await runPromtool(['check', 'rules', ...ruleFiles]);
    const output = `${result.stdout}${result.stderr}`;
    expect(result.code, output).toBe(0);
    expect(output.match(/SUCCESS: \d+ rules found/g), output).toEqual([
      'SUCCESS: 6 rules found',
      'SUCCESS: 11 rules found',
    ]);
    expect(output, output).not.toMatch(/warn|FAILED/i);
  });

  it.each(testFiles.map((f) => [f.slice(dir.length + 1), f]))('test rules %s passes', async (_name, file) => {
    const result = await runPromtool(['test', 'rules', file]);
    const output = `${result.stdout}${result.stderr}`;
    expect(result.code, output).toBe(0);
    expect(output, output).toContain('SUCCESS');
  });

  it('is a real check: a broken expectation fails', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'promtool-mutant-'));
    try {
      await mkdir(join(scratch, 'tests'));
      for (const file of ruleFiles) await copyFile(file, join(scratch, file.slice(dir.length + 1)));
      // Allow a day more before "not drilled": the 7 days 1 hour case no longer fires, so the test must fail.
      const alerts = join(scratch, 'alerts.rules.yml');
      await writeFile(alerts, (await readFile(alerts, 'utf8')).replace('> 7 * 86400', '> 8 * 86400'));
      const tests = join(scratch, 'tests', 'alerts-days.test.yml');
      await copyFile(join(dir, 'tests', 'alerts-days.test.yml'), tests);
      const result = await runPromtool(['test', 'rules', tests]);
      expect(result.code).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toContain('RollbackDrillServiceNotDrilled');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
