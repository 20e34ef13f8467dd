/**
 * JSON event files (the shapes of ACCEPTED_SHAPES). Strict JSON syntax is checked with JSON.parse;
 * the text is then read again as a YAML document (JSON is YAML 1.2) only to know where each field
 * is written, so every problem names its file, line, column and field path.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { ScenarioIssue } from '../core/errors.js';
import { SourceLocator } from '../scenario/source-locator.js';
import type { DoraEvents } from './events.js';
import { formatEventPath, validateDoraEventsData } from './validate.js';
import { byPosition } from './import-csv.js';

export type ImportResult =
  | { readonly ok: true; readonly events: DoraEvents }
  | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };

export function jsonToEvents(text: string, file: string): ImportResult {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (!source.trim()) return { ok: false, issues: [{ file, path: '', message: 'the file is empty' }] };
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    return { ok: false, issues: [syntaxIssue(error, source, file)] };
  }
  const locator = locatorFor(source);
  const result = validateDoraEventsData(data, {
    describePath: (path) => {
      const position = locator?.positionOf(path);
      return position ? `line ${position.line}` : formatEventPath(path) || 'the top';
    },
  });
  if (result.ok) return result;
  const issues = result.problems.map((problem): ScenarioIssue => {
    // A missing field has no text of its own: point at the event that lacks it.
    const position = locator?.positionOf(problem.path, problem.target ?? 'value');
    return { file, ...position, path: formatEventPath(problem.path), message: problem.message };
  });
  return { ok: false, issues: byPosition(issues) };
}

function locatorFor(text: string): SourceLocator | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  // Valid JSON the YAML reader still refuses (rare) only costs the line numbers, not the import.
  return doc.errors.length ? undefined : new SourceLocator(doc, lineCounter);
}

function syntaxIssue(error: unknown, text: string, file: string): ScenarioIssue {
  const message = error instanceof Error ? error.message : String(error);
  const offset = /position (\d+)/.exec(message)?.[1];
  if (offset === undefined) return { file, path: '', message: `not valid JSON: ${message}` };
  const before = text.slice(0, Number(offset));
  const line = before.split('\n').length;
  const column = Number(offset) - before.lastIndexOf('\n');
  // V8 appends "(line L column C)" or quotes the text; the position is stated once, by us.
  const plain = message
    .replace(/\s*in JSON at position \d+.*$/s, '')
    .replace(/,\s*".*" is not valid JSON$/s, '');
  return { file, line, column, path: '', message: `not valid JSON: ${plain}` };
}
