/**
 * Game-day files are loaded like scenarios: every problem at once, each at file:line:column with its
 * field path — those of the game-day file and those of the scenario files it names.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatScenarioIssue } from '../../../harness/core/errors.js';
import { isGamedayText, loadGamedayFile } from '../../../harness/gameday/load.js';
import { issuesOf } from '../scenario/helpers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'gameday-load-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const demo = readFileSync(join(REPO, 'scenarios/demo-bad-release.yaml'), 'utf8');
writeFileSync(join(folder, 'a.yaml'), demo);
writeFileSync(join(folder, 'b.yaml'), demo.replace('name: demo-bad-release', 'name: b-drill'));
writeFileSync(
  join(folder, 'broken.yaml'),
  demo.replace('rate: 50', 'rate: fast').replace('window: 5s', 'windw: 5s'),
);
const staging = (name: string, baseUrl: string): string =>
  demo
    .replace('name: demo-bad-release', `name: ${name}`)
    .replace(
      /target:\n {2}type: embedded\n {2}stableVersion: 1\.4\.2\n/,
      `target:\n  type: http\n  stableVersion: 1.4.2\n  baseUrl: ${baseUrl}\n  deploy: { url: https://cd.example.com/deploy }\n  rollback: { url: https://cd.example.com/rollback }\n  version: { url: ${baseUrl}/version }\n`,
    );
writeFileSync(join(folder, 'staging-1.yaml'), staging('staging-one', 'https://shop.staging.example.com'));
writeFileSync(join(folder, 'staging-2.yaml'), staging('staging-two', 'https://shop.staging.example.com'));
writeFileSync(
  join(folder, 'other.yaml'),
  staging('other-shop', 'https://other.staging.example.com').replace(
    'cd.example.com/deploy',
    'cd.example.com/deploy-other',
  ),
);

function gameday(name: string, body: string): string {
  const file = join(folder, name);
  writeFileSync(
    file,
    `apiVersion: rollback-drill/gameday/v1\nkind: GameDay\nmetadata:\n  name: test-day\n${body}`,
  );
  return file;
}

describe('game-day files', () => {
  it('the shipped demo game day: the slow release, then two drills in parallel', async () => {
    const plan = await loadGamedayFile(join(REPO, 'scenarios/gameday-demo.yaml'));
    expect(plan.name).toBe('demo-gameday');
    expect(plan.continueOnFailure).toBe(true);
    expect(plan.steps.map((step) => step.map((d) => d.scenario.metadata.name))).toEqual([
      ['demo-latency-release'],
      ['demo-bad-release', 'demo-crashing-release'],
    ]);
    expect(plan.steps[0]?.[0]?.file).toBe(join(REPO, 'scenarios/demo-latency-release.yaml'));
  });

  it('reports its own problems at file:line:column, with suggestions', async () => {
    const file = gameday(
      'typos.yaml',
      'continueOnFailur: true\ndrills:\n  - scenari: a.yaml\n  - parallel:\n      - scenario: a.yaml\n',
    );
    const issues = (await issuesOf(() => loadGamedayFile(file))).map(formatScenarioIssue);
    expect(issues).toEqual([
      `${file}:5:1: continueOnFailur: unknown field "continueOnFailur" (did you mean "continueOnFailure"?); allowed fields at the top level: apiVersion, kind, metadata, continueOnFailure, drills`,
      expect.stringMatching(
        new RegExp(
          `^${file}:7:5: drills\\[0\\]: expected \`scenario: FILE\` or \`parallel: \\[\\.\\.\\.\\]\``,
        ),
      ),
      expect.stringMatching(
        new RegExp(`^${file}:8:5: drills\\[1\\]\\.parallel: a parallel group needs at least two scenarios`),
      ),
    ]);
  });

  it('names a missing scenario file on its line, and the problems inside a broken one on theirs', async () => {
    const file = gameday('refs.yaml', 'drills:\n  - scenario: missing.yaml\n  - scenario: broken.yaml\n');
    const issues = (await issuesOf(() => loadGamedayFile(file))).map(formatScenarioIssue);
    expect(issues[0]).toBe(`${file}:6:15: drills[0].scenario: missing.yaml: no such file`);
    expect(issues[1]).toBe(
      `${file}:7:15: drills[1].scenario: broken.yaml is not a valid scenario (2 problems, listed with its file)`,
    );
    expect(issues.slice(2).join('\n')).toMatch(
      new RegExp(`${join(folder, 'broken.yaml')}:\\d+:\\d+: traffic\\.rate: expected a number`),
    );
    expect(issues.slice(2).join('\n')).toMatch(
      /detection\.windw: unknown field "windw" \(did you mean "window"\?\)/,
    );
  });

  it('refuses drills side by side on the same target, and allows different ones', async () => {
    const clash = gameday(
      'clash.yaml',
      'drills:\n  - parallel:\n      - scenario: staging-1.yaml\n      - scenario: other.yaml\n      - scenario: staging-2.yaml\n',
    );
    const issues = (await issuesOf(() => loadGamedayFile(clash))).map(formatScenarioIssue);
    expect(issues).toEqual([
      `${clash}:9:19: drills[0].parallel[2].scenario: runs in parallel with staging-1.yaml but both use traffic URL https://shop.staging.example.com and deploy API https://cd.example.com/deploy: drills side by side need different targets (run them one after the other instead)`,
    ]);
    const fine = gameday(
      'fine.yaml',
      'drills:\n  - parallel:\n      - scenario: a.yaml\n      - scenario: b.yaml\n      - scenario: other.yaml\n  - scenario: staging-1.yaml\n',
    );
    const plan = await loadGamedayFile(fine);
    expect(plan.steps.map((s) => s.length)).toEqual([3, 1]);
  });

  it('an empty file or another format says what a game day is', async () => {
    writeFileSync(join(folder, 'empty.yaml'), '# nothing\n');
    expect((await issuesOf(() => loadGamedayFile(join(folder, 'empty.yaml'))))[0]?.message).toBe(
      'the file is empty: expected a game day with apiVersion: rollback-drill/gameday/v1',
    );
    const drill = join(REPO, 'scenarios/demo-bad-release.yaml');
    const issues = (await issuesOf(() => loadGamedayFile(drill))).map((i) => i.message);
    expect(issues).toContain(
      'expected apiVersion: rollback-drill/gameday/v1, got string "rollback-drill/v1"',
    );
  });

  it('tells a game day from a scenario by its kind', () => {
    expect(isGamedayText(readFileSync(join(REPO, 'scenarios/gameday-demo.yaml'), 'utf8'))).toBe(true);
    expect(isGamedayText(demo)).toBe(false);
    expect(isGamedayText("apiVersion: x\nkind: 'GameDay' # quoted\n")).toBe(true);
  });
});
