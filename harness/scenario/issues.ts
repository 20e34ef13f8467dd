/**
 * Turns zod's validation issues into ScenarioIssues: one per problem, each with the file, the line
 * and column it is on, the dotted field path, and what was expected and found, in plain words.
 */
import type { z } from 'zod';
import type { ScenarioIssue } from '../core/errors.js';
import { formatFieldPath, MISSING, valueAtPath, type FieldPath } from './field-path.js';
import { closestName, describeValue } from './plain-words.js';
import { allowedFieldsAt, descriptionAt } from './schema-walk.js';
import type { IssueTarget, SourceLocator } from './source-locator.js';

/** Everything needed to explain a problem: where the text is and what the data and schema hold. */
export interface IssueContext {
  readonly file: string;
  /** The YAML document as plain data, before validation. */
  readonly data: unknown;
  readonly locator: SourceLocator;
  /** The schema the data was validated against; used to list allowed fields. */
  readonly schema: z.core.$ZodType;
}

/** A problem not yet placed in the file: its path and message. */
export interface FieldProblem {
  readonly path: FieldPath;
  readonly message: string;
  readonly target?: IssueTarget;
}

/** All of zod's issues as ScenarioIssues, in the order they appear in the file. */
export function zodIssuesToScenarioIssues(
  issues: readonly z.core.$ZodIssue[],
  context: IssueContext,
): ScenarioIssue[] {
  return placeProblems(
    issues.flatMap((issue) => explainIssue(issue, context)),
    context,
  );
}

/** Adds file, line and column to each problem; sorts by position; drops exact repeats. */
export function placeProblems(
  problems: readonly FieldProblem[],
  context: Pick<IssueContext, 'file' | 'locator'>,
): ScenarioIssue[] {
  const seen = new Set<string>();
  const placed: ScenarioIssue[] = [];
  for (const problem of problems) {
    const path = formatFieldPath(problem.path);
    const key = `${path}\n${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const position = context.locator.positionOf(problem.path, problem.target ?? 'value');
    placed.push({ file: context.file, ...position, path, message: problem.message });
  }
  // Stable sort: problems without a line (about the whole file) first, then top to bottom.
  return placed.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function explainIssue(issue: z.core.$ZodIssue, context: IssueContext): FieldProblem[] {
  if (issue.code === 'unrecognized_keys') return unknownFields(issue.path, issue.keys, context);
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    const options = 'options' in issue ? (issue.options ?? []) : [];
    return [unknownType(issue.path, issue.discriminator, options, context)];
  }
  const value = valueAtPath(context.data, issue.path);
  if (value === MISSING) return [missingField(issue.path, issue.message, context)];
  // Messages that already say what was found (durations, ratios) are complete, hints included.
  if (/\bgot\b/.test(issue.message)) return [{ path: issue.path, message: issue.message }];
  let message = `${issue.message}, got ${describeValue(value)}`;
  if (issue.code === 'invalid_type' && issue.expected === 'string')
    message += quotingHint(issue.path, value, context);
  return [{ path: issue.path, message }];
}

/** YAML reads `version: 1.10` as the number 1.1 and `tag: true` as a boolean; quotes keep them text. */
function quotingHint(path: FieldPath, value: unknown, context: IssueContext): string {
  if (typeof value !== 'number' && typeof value !== 'boolean') return '';
  const written = context.locator.plainScalarText(path);
  return written === undefined ? '' : ` (to keep it as text, put it in quotes: "${written}")`;
}

function unknownFields(parent: FieldPath, keys: readonly string[], context: IssueContext): FieldProblem[] {
  const allowed = allowedFieldsAt(context.schema, parent, context.data);
  const where = parent.length === 0 ? 'at the top level' : `in ${formatFieldPath(parent)}`;
  return keys.map((key) => {
    let message = `unknown field ${JSON.stringify(key)}`;
    const suggestion = allowed && closestName(key, allowed);
    if (suggestion) message += ` (did you mean ${JSON.stringify(suggestion)}?)`;
    if (allowed) message += `; allowed fields ${where}: ${allowed.join(', ')}`;
    return { path: [...parent, key], message, target: 'key' };
  });
}

/** A `type:` that names no adapter, or no `type:` at all, in a block chosen by its type. */
function unknownType(
  path: FieldPath,
  discriminator: string,
  options: readonly unknown[],
  context: IssueContext,
): FieldProblem {
  // zod points at the discriminator itself; keep that even if a future version points at the block.
  const typePath = path.at(-1) === discriminator ? path : [...path, discriminator];
  const value = valueAtPath(context.data, typePath);
  const allowed = options.map((option) => String(option));
  const block = typePath.at(-2);
  const kind = typeof block === 'string' ? `${block} ` : '';
  const list = `allowed ${kind}types:`;
  if (value === MISSING || value === null) {
    return { path: typePath, message: `missing field "${discriminator}": ${list} ${allowed.join(', ')}` };
  }
  const suggestion = typeof value === 'string' ? closestName(value, allowed) : undefined;
  const hint = suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : '';
  return {
    path: typePath,
    message: `unknown ${kind}type ${JSON.stringify(value)}${hint}; ${list} ${allowed.join(', ')}`,
  };
}

function missingField(path: FieldPath, expectation: string, context: IssueContext): FieldProblem {
  const name = path.at(-1);
  const label = name === undefined ? 'field' : `field ${JSON.stringify(String(name))}`;
  const description = descriptionAt(context.schema, path, context.data);
  const purpose = description ? ` (${description})` : '';
  return { path, message: `missing required ${label}${purpose}: ${expectation}` };
}
