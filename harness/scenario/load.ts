/**
 * Loads a scenario file: YAML with positions → schema validation → cross-field checks. Every
 * problem found is reported at once, as a ScenarioError whose issues name file, line, column and
 * field path; a valid file yields the Scenario with defaults applied (durations in ms).
 */
import { ScenarioError, type ScenarioIssue } from '../core/errors.js';
import { crossFieldProblems } from './cross-checks.js';
import { isPlainRecord } from './field-path.js';
import { placeProblems, zodIssuesToScenarioIssues } from './issues.js';
import { SCENARIO_API_VERSION, scenarioSchema, type Scenario } from './model.js';
import { describeValue, plainErrorMap } from './plain-words.js';
import { readScenarioText, type ReadFileBytes } from './read-source.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

export interface LoadedScenario {
  /** The path as given, so messages and records show what the user typed. */
  readonly file: string;
  readonly scenario: Scenario;
  /** The file's text, for records that keep the scenario as written. */
  readonly source: string;
}

export interface LoadOptions {
  /** Reads the file's bytes; tests inject failures a root user cannot cause with permissions. */
  readonly readFile?: ReadFileBytes;
}

/** Reads and validates a scenario file; throws ScenarioError listing every problem in it. */
export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  const source = await readScenarioText(file, options.readFile);
  return { file, scenario: parseScenarioText(source, file), source };
}

/** Validates scenario text (pure); `file` is only used to name the source in problems. */
export function parseScenarioText(text: string, file: string): Scenario {
  const parsed = parseYamlSource(text, file);
  if (!parsed.ok) throw new ScenarioError(parsed.issues);
  const { data, locator } = parsed.source;

  const shapeProblem = scenarioShapeIssue(parsed.source, file);
  if (shapeProblem) throw new ScenarioError([shapeProblem]);

  const result = scenarioSchema.safeParse(data, { error: plainErrorMap });
  if (!result.success) {
    const context = { file, data, locator, schema: scenarioSchema };
    throw new ScenarioError(zodIssuesToScenarioIssues(result.error.issues, context));
  }
  const crossProblems = crossFieldProblems(result.data);
  if (crossProblems.length > 0) throw new ScenarioError(placeProblems(crossProblems, { file, locator }));
  return result.data;
}

/**
 * Problems that make field-by-field messages pointless: the document is not a mapping, or it is
 * a scenario of another format version (whose fields this version cannot judge).
 */
function scenarioShapeIssue({ data, locator }: YamlSource, file: string): ScenarioIssue | undefined {
  if (!isPlainRecord(data)) {
    return {
      file,
      ...locator.positionOf([]),
      path: '',
      message: `expected a scenario: a mapping of fields starting with apiVersion: ${SCENARIO_API_VERSION}, got ${describeValue(data)}`,
    };
  }
  const apiVersion = data['apiVersion'];
  if (
    typeof apiVersion === 'string' &&
    apiVersion.startsWith('rollback-drill/') &&
    apiVersion !== SCENARIO_API_VERSION
  ) {
    return {
      file,
      ...locator.positionOf(['apiVersion']),
      path: 'apiVersion',
      message: `unsupported apiVersion ${JSON.stringify(apiVersion)}: this rollback-drill reads apiVersion: ${SCENARIO_API_VERSION}`,
    };
  }
  return undefined;
}
