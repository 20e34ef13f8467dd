/**
 * Loads a game-day file the way scenarios are loaded (harness/scenario: YAML with positions, zod
 * with plain-words messages, file:line:column problems), then loads every scenario it names and
 * checks that drills in a parallel group have different targets. Every problem is reported at once:
 * those in the game-day file and those in the scenario files, each at its own file and line.
 */
import { dirname, resolve } from 'node:path';
import { ScenarioError, type ScenarioIssue } from '../core/errors.js';
import { isPlainRecord } from '../scenario/field-path.js';
import { placeProblems, zodIssuesToScenarioIssues, type FieldProblem } from '../scenario/issues.js';
import { loadScenarioFile } from '../scenario/load.js';
import { plainErrorMap } from '../scenario/plain-words.js';
import { readScenarioText, type ReadFileBytes } from '../scenario/read-source.js';
import { EMPTY_FILE_MESSAGE, parseYamlSource } from '../scenario/yaml-source.js';
import {
  GAMEDAY_API_VERSION,
  gamedaySchema,
  type GamedayDrill,
  type GamedayFile,
  type GamedayPlan,
} from './model.js';
import { sharedFootprint } from './target-overlap.js';

export interface GamedayLoadOptions {
  readonly readFile?: ReadFileBytes;
}

export async function loadGamedayFile(file: string, options: GamedayLoadOptions = {}): Promise<GamedayPlan> {
  const text = await readScenarioText(file, options.readFile);
  const parsed = parseYamlSource(text, file);
  if (!parsed.ok) {
    throw new ScenarioError(
      parsed.issues.map((issue) =>
        issue.message === EMPTY_FILE_MESSAGE
          ? {
              ...issue,
              message: `the file is empty: expected a game day with apiVersion: ${GAMEDAY_API_VERSION}`,
            }
          : issue,
      ),
    );
  }
  const { data, locator } = parsed.source;
  if (!isPlainRecord(data)) {
    throw new ScenarioError([
      {
        file,
        ...locator.positionOf([]),
        path: '',
        message: `expected a game day: a mapping starting with apiVersion: ${GAMEDAY_API_VERSION}`,
      },
    ]);
  }
  const result = gamedaySchema.safeParse(data, { error: plainErrorMap });
  if (!result.success) {
    throw new ScenarioError(
      zodIssuesToScenarioIssues(result.error.issues, { file, data, locator, schema: gamedaySchema }),
    );
  }
  const gameday = result.data;
  const folder = dirname(file);
  const problems: FieldProblem[] = [];
  const scenarioIssues: ScenarioIssue[] = [];
  const steps: GamedayDrill[][] = [];
  for (const [index, step] of gameday.drills.entries()) {
    const refs =
      'parallel' in step
        ? step.parallel.map((r, i) => ({
            ref: r.scenario,
            path: ['drills', index, 'parallel', i, 'scenario'],
          }))
        : [{ ref: step.scenario, path: ['drills', index, 'scenario'] }];
    const drills: GamedayDrill[] = [];
    for (const { ref, path } of refs) {
      const scenarioFile = resolve(folder, ref);
      try {
        const { scenario } = await loadScenarioFile(scenarioFile, options);
        drills.push({ ref, file: scenarioFile, scenario });
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        const own = error.issues.filter(
          (issue) => issue.file === scenarioFile && issue.line === undefined && issue.path === '',
        );
        // A file that cannot be read is this file's problem; problems inside it are reported there.
        if (own.length === error.issues.length) {
          problems.push({ path, message: `${ref}: ${own.map((issue) => issue.message).join('; ')}` });
        } else {
          scenarioIssues.push(...error.issues);
          problems.push({
            path,
            message: `${ref} is not a valid scenario (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}, listed with its file)`,
          });
        }
      }
    }
    problems.push(
      ...overlapProblems(
        drills,
        refs.map((r) => r.path),
      ),
    );
    steps.push(drills);
  }
  const issues = [...placeProblems(problems, { file, locator }), ...scenarioIssues];
  if (issues.length > 0) throw new ScenarioError(issues);
  return {
    file,
    name: gameday.metadata.name,
    ...(gameday.metadata.description ? { description: gameday.metadata.description } : {}),
    continueOnFailure: gameday.continueOnFailure,
    steps,
  };
}

/** Drills of one parallel group that would share a target (a port, a traffic URL, a folder). */
function overlapProblems(
  drills: readonly GamedayDrill[],
  paths: readonly (readonly (string | number)[])[],
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (let later = 1; later < drills.length; later++) {
    for (let earlier = 0; earlier < later; earlier++) {
      const a = drills[earlier];
      const b = drills[later];
      if (!a || !b) continue;
      const shared = sharedFootprint(a.scenario, b.scenario);
      if (shared.length === 0) continue;
      problems.push({
        path: paths[later] ?? [],
        message: `runs in parallel with ${a.ref} but both use ${shared.join(' and ')}: drills side by side need different targets (run them one after the other instead)`,
      });
    }
  }
  return problems;
}

/** Whether a YAML text is a game day rather than a scenario (for `validate`, which takes both). */
export function isGamedayText(text: string): boolean {
  return /^kind:\s*['"]?GameDay['"]?\s*(#.*)?$/m.test(text);
}

export type { GamedayFile };
