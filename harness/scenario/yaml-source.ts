/**
 * Reads scenario text as exactly one YAML document, keeping source positions. Syntax problems,
 * several documents and empty files become ScenarioIssues; nothing here knows the scenario schema.
 */
import {
  LineCounter,
  isAlias,
  isScalar,
  parseAllDocuments,
  visit,
  type Document,
  type YAMLError,
} from 'yaml';
import type { ScenarioIssue } from '../core/errors.js';
import { SCENARIO_API_VERSION } from './model.js';
import { formatFieldPath } from './field-path.js';
import { SourceLocator } from './source-locator.js';
import { largestAlias } from './alias-expansion.js';

export interface YamlSource {
  readonly doc: Document.Parsed;
  readonly locator: SourceLocator;
  /** The document as plain data: mappings are objects, `key:` with nothing is null. */
  readonly data: unknown;
}

export type YamlSourceResult =
  | { readonly ok: true; readonly source: YamlSource }
  | { readonly ok: false; readonly issues: ScenarioIssue[] };

export const EMPTY_FILE_MESSAGE = `the file is empty: expected a scenario with apiVersion: ${SCENARIO_API_VERSION}`;

// Aliases can multiply a small file into a huge value ("billion laughs"); a scenario needs few.
const MAX_ALIAS_COUNT = 100;

export function parseYamlSource(text: string, file: string): YamlSourceResult {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    // `<<: *defaults` is common in hand-written config; the YAML 1.2 core schema leaves it off.
    merge: true,
    uniqueKeys: true,
  });
  const filled = documents.filter((document) => !isEmptyDocument(document));
  const first = filled[0];
  if (!first) return { ok: false, issues: [{ file, path: '', message: EMPTY_FILE_MESSAGE }] };

  const locator = new SourceLocator(first, lineCounter);
  const issues: ScenarioIssue[] = [];
  const seen = new Set<string>();
  for (const document of filled) {
    for (const problem of [...document.errors, ...document.warnings]) {
      const issue = yamlProblemIssue(problem, file, new SourceLocator(document, lineCounter));
      // One slip often trips several parser rules at the same spot; report the spot once.
      const key = `${issue.line}:${issue.column}`;
      if (!seen.has(key)) issues.push(issue);
      seen.add(key);
    }
  }
  const second = filled[1];
  if (second) {
    issues.push({
      file,
      ...locator.positionOfOffset(second.range[0]),
      path: '',
      message: `found ${filled.length} YAML documents (separated by ---); a scenario file holds exactly one scenario, so split them into separate files`,
    });
  }
  if (issues.length === 0) issues.push(...unresolvedAliasIssues(first, locator, file));
  if (issues.length > 0) return { ok: false, issues };

  try {
    return {
      ok: true,
      source: { doc: first, locator, data: first.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) },
    };
  } catch (error) {
    // toJS refuses excessive aliasing with a ReferenceError; anything else is a bug, not user input.
    if (!(error instanceof ReferenceError)) throw error;
    const largest = largestAlias(first);
    const offset = largest?.alias.range?.[0];
    const where =
      largest && offset !== undefined
        ? {
            ...locator.positionOfOffset(offset),
            path: formatFieldPath(locator.pathAtOffset(offset)),
          }
        : { path: '' };
    const culprit = largest
      ? ` (the alias *${largest.alias.source} here stands for ${largest.expandedNodes} values)`
      : '';
    return {
      ok: false,
      issues: [
        {
          file,
          ...where,
          message: `the YAML aliases expand to too much data${culprit}: ${lowerFirst(error.message)}; a scenario needs few aliases, so write the values out or reuse fewer levels`,
        },
      ],
    };
  }
}

/** A document with nothing in it: no text, only comments, or a lone `---`. */
function isEmptyDocument(document: Document.Parsed): boolean {
  if (document.errors.length > 0) return false;
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.value === null && !contents.source);
}

function yamlProblemIssue(problem: YAMLError, file: string, locator: SourceLocator): ScenarioIssue {
  const offset = problem.pos[0];
  const path = locator.pathAtOffset(offset);
  return {
    file,
    ...locator.positionOfOffset(offset),
    path: formatFieldPath(path),
    message: plainYamlMessage(problem, path),
  };
}

/** The parser's wording, rephrased where its terms ("implicit key") mean little to most users. */
function plainYamlMessage(problem: YAMLError, path: readonly PropertyKey[]): string {
  switch (problem.code) {
    case 'DUPLICATE_KEY': {
      const key = path.at(-1);
      const name = key === undefined ? 'field' : `field ${JSON.stringify(String(key))}`;
      return `duplicate ${name}: each field may appear only once in a mapping`;
    }
    case 'TAB_AS_INDENT':
      return 'YAML syntax error: tabs are not allowed for indentation; indent with spaces';
    case 'MULTILINE_IMPLICIT_KEY':
      return 'YAML syntax error: expected "key: value" on one line (is the colon, or the space after it, missing?)';
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'YAML syntax error: a value cannot hold "key: value" on the same line (check the indentation of this line and the next)';
    case 'TAG_RESOLVE_FAILED':
      return `YAML: ${lowerFirst(problem.message)}; scenario files use no custom tags`;
    default:
      return `YAML syntax error: ${lowerFirst(problem.message)}`;
  }
}

function unresolvedAliasIssues(
  document: Document.Parsed,
  locator: SourceLocator,
  file: string,
): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  visit(document, {
    Alias(_key, alias) {
      if (!isAlias(alias) || alias.resolve(document)) return;
      const offset = alias.range?.[0] ?? 0;
      issues.push({
        file,
        ...locator.positionOfOffset(offset),
        path: formatFieldPath(locator.pathAtOffset(offset)),
        message: `unknown alias *${alias.source}: define the anchor &${alias.source} before using it`,
      });
    },
  });
  return issues;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
