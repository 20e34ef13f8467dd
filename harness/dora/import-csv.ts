/**
 * CSV event files: a header row naming the columns (any order), then one event per row with its
 * `type` (deployment or incident). Empty cells are absent fields. Every problem names the file,
 * the line and column of the cell, the column's field, and the data row (as a spreadsheet counts).
 */
import type { ScenarioIssue } from '../core/errors.js';
import { parseCsv, type CsvCell, type CsvRecord } from './csv.js';
import type { ImportResult } from './import-json.js';
import { validateDoraEventsData } from './validate.js';

/** The columns a CSV event file may have; `type` is required, the rest as each event needs. */
export const CSV_COLUMNS = [
  'type',
  'id',
  'service',
  'finishedAt',
  'startedAt',
  'resolvedAt',
  'version',
  'kind',
  'remediates',
  'incidentId',
  'deploymentId',
  'title',
] as const;

export function csvToEvents(text: string, file: string): ImportResult {
  const parsed = parseCsv(text);
  if (!parsed.ok)
    return {
      ok: false,
      issues: [{ file, line: parsed.line, column: parsed.column, path: '', message: parsed.message }],
    };
  const [header, ...rows] = parsed.records;
  if (!header)
    return {
      ok: false,
      issues: [
        { file, path: '', message: `the file is empty: expected a header row (${CSV_COLUMNS.join(',')})` },
      ],
    };

  const issues: ScenarioIssue[] = [];
  const known = new Set<string>(CSV_COLUMNS);
  const columns = header.cells.map((cell) => cell.value.trim());
  header.cells.forEach((cell, index) => {
    const name = columns[index] ?? '';
    if (!known.has(name))
      issues.push(
        at(
          file,
          cell,
          name || `column ${index + 1}`,
          `unknown column; expected some of ${CSV_COLUMNS.join(', ')}`,
        ),
      );
    else if (columns.indexOf(name) !== index) issues.push(at(file, cell, name, 'this column appears twice'));
  });
  if (!columns.includes('type'))
    issues.push({
      file,
      line: header.line,
      column: 1,
      path: 'type',
      message: 'the header has no "type" column; each row must say "deployment" or "incident"',
    });
  if (issues.length) return { ok: false, issues };

  const items: Record<string, string>[] = [];
  const rowOf: CsvRecord[] = [];
  rows.forEach((row, rowIndex) => {
    if (row.cells.length > columns.length) {
      const extra = row.cells[columns.length] as CsvCell;
      issues.push(
        at(
          file,
          extra,
          '',
          `row ${rowIndex + 1} has ${row.cells.length} cells but the header has ${columns.length}`,
        ),
      );
      return;
    }
    const item: Record<string, string> = {};
    row.cells.forEach((cell, index) => {
      const value = cell.value.trim();
      const column = columns[index];
      if (value && column) item[column] = value;
    });
    items.push(item);
    rowOf.push(row);
  });
  if (issues.length) return { ok: false, issues };

  const result = validateDoraEventsData(items, {
    describePath: (path) => {
      const row = typeof path[0] === 'number' ? rowOf[path[0]] : undefined;
      return row ? `row ${rows.indexOf(row) + 1}, line ${row.line}` : 'an earlier row';
    },
  });
  if (result.ok) return { ok: true, events: result.events };
  for (const problem of result.problems) {
    const [index, field] = problem.path;
    const row = typeof index === 'number' ? rowOf[index] : undefined;
    if (!row) {
      issues.push({ file, path: '', message: problem.message });
      continue;
    }
    const cell = typeof field === 'string' ? row.cells[columns.indexOf(field)] : undefined;
    const place = cell ?? { line: row.line, column: 1 };
    const rowNumber = rows.indexOf(row) + 1;
    issues.push(
      at(file, place, typeof field === 'string' ? field : '', `row ${rowNumber}: ${problem.message}`),
    );
  }
  return { ok: false, issues: byPosition(issues) };
}

/** Top to bottom, left to right: the order a user fixes a file in. */
export function byPosition(issues: readonly ScenarioIssue[]): ScenarioIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function at(
  file: string,
  place: { line: number; column: number },
  path: string,
  message: string,
): ScenarioIssue {
  return { file, line: place.line, column: place.column, path, message };
}
