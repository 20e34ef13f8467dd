/**
 * A small RFC 4180 CSV reader that remembers where every cell starts, so a problem in a cell can be
 * reported at its line and column. Quoted cells may hold commas, doubled quotes and line breaks;
 * CRLF and LF both end a record; a UTF-8 byte-order mark (spreadsheet exports) is skipped.
 */

export interface CsvCell {
  readonly value: string;
  /** 1-based position of the cell's first character (its opening quote when quoted). */
  readonly line: number;
  readonly column: number;
}

export interface CsvRecord {
  readonly cells: readonly CsvCell[];
  readonly line: number;
}

export type CsvParseResult =
  | { readonly ok: true; readonly records: readonly CsvRecord[] }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

export function parseCsv(text: string): CsvParseResult {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: CsvCell[] = [];
  let line = 1;
  let column = 1;
  let index = 0;

  const advance = (): string => {
    const char = source[index++] ?? '';
    if (char === '\n') {
      line += 1;
      column = 1;
    } else column += 1;
    return char;
  };
  const endRecord = (recordLine: number): void => {
    // A line with nothing on it is not a record of one empty cell.
    const blank = cells.length === 1 && cells[0]?.value === '';
    if (!blank) records.push({ cells, line: recordLine });
    cells = [];
  };

  let recordLine = line;
  while (index <= source.length) {
    const cellLine = line;
    const cellColumn = column;
    let value = '';
    if (source[index] === '"') {
      advance();
      for (;;) {
        if (index >= source.length)
          return {
            ok: false,
            line: cellLine,
            column: cellColumn,
            message: 'a quoted cell is never closed (missing ")',
          };
        const char = advance();
        if (char === '"') {
          if (source[index] === '"') {
            advance();
            value += '"';
          } else break;
        } else value += char;
      }
      const next = source[index];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
        return {
          ok: false,
          line,
          column,
          message: 'unexpected text after a closing quote (write "" for a quote inside a quoted cell)',
        };
    } else {
      while (index < source.length && !',\r\n'.includes(source[index] ?? '')) value += advance();
    }
    cells.push({ value, line: cellLine, column: cellColumn });

    const separator = source[index];
    if (separator === ',') {
      advance();
      continue;
    }
    if (separator === '\r') advance();
    if (source[index] === '\n') advance();
    endRecord(recordLine);
    recordLine = line;
    if (index >= source.length) break;
  }
  return { ok: true, records };
}
