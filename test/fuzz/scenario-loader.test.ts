/**
 * Fuzzing the scenario loader with seeded mutations of every shipped scenario: whatever the text, the
 * loader either returns a valid scenario or throws a ScenarioError whose every issue names the file
 * and a field or a line. Anything else — a TypeError, a stack overflow, a hang — is a crash.
 * Bounded: a fixed number of cases per scenario, and a time budget that stops early on a slow machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../harness/core/random.js';
import { ScenarioError } from '../../harness/core/errors.js';
import { parseScenarioText } from '../../harness/scenario/load.js';
import { mutateDocument, mutateText } from './mutations.js';

const SCENARIOS_DIR = new URL('../../scenarios/', import.meta.url).pathname;
const CASES_PER_SCENARIO = 150;
const BUDGET_MS = 5_000;
const SEED = 0x5eed0009;

// Every shipped drill, templates included (game-day files and other kinds are not scenarios).
const shipped = readdirSync(SCENARIOS_DIR, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(SCENARIOS_DIR, name), 'utf8') }))
  .filter(({ text }) => /^kind: Drill$/m.test(text));

interface Tally {
  cases: number;
  valid: number;
  rejected: number;
  issues: number;
  crashes: { case: string; error: string }[];
  badIssues: { case: string; issue: string }[];
  /** Issues about the whole file (no line, no field): allowed only for the kinds listed below. */
  fileLevel: Set<string>;
}

/**
 * Problems of a whole file have no line or field to name: an empty file, text that is not UTF-8,
 * aliases that expand beyond the loader's limit (the YAML library reports no position for it).
 */
const FILE_LEVEL = [/\bthe file is empty\b/, /\bnot UTF-8\b/, /\baliases expand to too much data\b/];

function newTally(): Tally {
  return { cases: 0, valid: 0, rejected: 0, issues: 0, crashes: [], badIssues: [], fileLevel: new Set() };
}

function check(file: string, text: string, label: string, tally: Tally): void {
  tally.cases += 1;
  try {
    parseScenarioText(text, file);
    tally.valid += 1;
  } catch (error) {
    if (!(error instanceof ScenarioError)) {
      tally.crashes.push({
        case: label,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      return;
    }
    tally.rejected += 1;
    tally.issues += error.issues.length;
    if (error.issues.length === 0)
      tally.badIssues.push({ case: label, issue: '(a ScenarioError with no issues)' });
    for (const issue of error.issues) {
      const namesFile = issue.file === file;
      const namesPlace = issue.line !== undefined || issue.path !== '';
      const fileLevel = !namesPlace && FILE_LEVEL.some((kind) => kind.test(issue.message));
      if (fileLevel) tally.fileLevel.add(issue.message);
      if (!namesFile || (!namesPlace && !fileLevel) || issue.message.trim() === '') {
        tally.badIssues.push({ case: label, issue: JSON.stringify(issue) });
      }
    }
  }
}

describe('scenario loader fuzzing', () => {
  it(`never crashes on ${CASES_PER_SCENARIO} seeded mutations of each shipped scenario`, () => {
    expect(shipped.length).toBeGreaterThan(0);
    const random = createRandom(SEED);
    const tally = newTally();
    const started = Date.now();
    let budgetHit = false;
    for (const { name, text } of shipped) {
      const file = `scenarios/${name}`;
      check(file, text, `${name} as shipped`, tally);
      let mutated = text;
      for (let i = 0; i < CASES_PER_SCENARIO; i++) {
        if (Date.now() - started > BUDGET_MS) {
          budgetHit = true;
          break;
        }
        // Half the cases start over from the shipped text; the rest stack edits, drifting further.
        const base = random() < 0.5 ? text : mutated;
        try {
          mutated = random() < 0.6 ? mutateText(base, random) : mutateDocument(base, random);
        } catch {
          mutated = mutateText(text, random); // the document could not be re-serialised: edit the text
        }
        check(file, mutated, `${name} #${i} (seed ${SEED})`, tally);
      }
    }
    const ms = Date.now() - started;
    console.log(
      `scenario loader fuzz: ${tally.cases} cases over ${shipped.length} scenarios in ${ms} ms` +
        ` (seed ${SEED}${budgetHit ? ', time budget reached' : ''}): ${tally.valid} valid, ${tally.rejected} rejected` +
        ` with ${tally.issues} issues, ${tally.crashes.length} crashes, ${tally.badIssues.length} issues without file and field/line`,
    );
    expect(tally.crashes).toEqual([]);
    expect(tally.badIssues).toEqual([]);
    expect(tally.rejected).toBeGreaterThan(tally.cases / 4); // the mutations do reach the validator
    expect(tally.cases).toBeGreaterThan(shipped.length * 50);
  });

  it('rejects whole-file garbage with the file named', () => {
    const random = createRandom(SEED + 1);
    const tally = newTally();
    const alphabet = 'ab:-{}[]#"\' \n\t&*!|>%@`,?\u0000\uffff\\';
    for (let i = 0; i < 500; i++) {
      const length = Math.floor(random() * 200);
      let text = '';
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      check('garbage.yaml', text, `garbage #${i}`, tally);
    }
    check('deep.yaml', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'deeply nested flow sequence', tally);
    check('deep.yaml', `${'- '.repeat(2000)}x`, 'deeply nested block sequence', tally);
    check(
      'aliases.yaml',
      `a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\ne: [*d, *d, *d]\n`,
      'alias expansion',
      tally,
    );
    console.log(
      `scenario loader fuzz (garbage): ${tally.cases} cases, ${tally.crashes.length} crashes; whole-file issues: ${[...tally.fileLevel].join(' | ')}`,
    );
    expect(tally.crashes).toEqual([]);
    expect(tally.badIssues).toEqual([]);
  });
});
