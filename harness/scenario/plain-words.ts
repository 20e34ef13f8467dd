/**
 * Zod's problems in words a scenario author understands. `plainErrorMap` is given to zod for
 * every check whose schema carries no message of its own; it says what was expected, and
 * issues.ts then adds what was found ("expected a number, got string "fast"").
 */
import type { z } from 'zod';
import { MISSING } from './field-path.js';

const EXPECTED_NOUN: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping of fields (key: value)',
  record: 'a mapping of fields (key: value)',
  array: 'a list',
  tuple: 'a list',
  null: 'nothing',
  date: 'a date',
};

/** "string" → "text", "array" → "a list"; the noun for a zod type name. */
export function expectedNoun(type: string): string {
  return EXPECTED_NOUN[type] ?? `a value of type ${type}`;
}

function bound(value: number | bigint, inclusive: boolean | undefined, below: boolean): string {
  if (below) return inclusive === false ? `greater than ${value}` : `at least ${value}`;
  return inclusive === false ? `less than ${value}` : `at most ${value}`;
}

function sizeLimit(
  issue: { origin: string; inclusive?: boolean },
  limit: number | bigint,
  below: boolean,
): string {
  const count = Number(limit);
  switch (issue.origin) {
    case 'number':
    case 'int':
    case 'bigint':
      return `expected a number ${bound(limit, issue.inclusive, below)}`;
    case 'string':
      if (below && count === 1) return 'expected non-empty text';
      return `expected text of ${bound(count, issue.inclusive, below)} characters`;
    case 'array':
    case 'set':
      return `expected ${bound(count, issue.inclusive, below)} ${count === 1 ? 'item' : 'items'}`;
    default:
      return `expected a value ${bound(limit, issue.inclusive, below)}`;
  }
}

/** What each kind of check expected; zod calls this only where the schema has no message of its own. */
export const plainErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${expectedNoun(issue.expected)}`;
    case 'too_small':
      return sizeLimit(issue, issue.minimum, true);
    case 'too_big':
      return sizeLimit(issue, issue.maximum, false);
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}`
        : `expected one of: ${issue.values.map((value) => String(value)).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'starts_with')
        return `expected text starting with ${JSON.stringify(issue.prefix)}`;
      if (issue.format === 'ends_with') return `expected text ending with ${JSON.stringify(issue.suffix)}`;
      if (issue.format === 'includes') return `expected text containing ${JSON.stringify(issue.includes)}`;
      if (issue.format === 'regex')
        return `expected text matching ${issue.pattern ?? 'the required pattern'}`;
      return `expected a valid ${issue.format}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}`;
    case 'invalid_union':
      return unionExpectation(issue.errors);
    case 'invalid_key':
      return 'expected a valid field name';
    case 'invalid_element':
      return 'expected a valid item';
    default:
      return issue.message ?? 'invalid value';
  }
};

/** For a plain union (not chosen by `type:`), list what each branch would have accepted. */
function unionExpectation(branches: readonly (readonly z.core.$ZodIssue[])[]): string {
  const nouns = branches.map((issues) => {
    const only = issues.length === 1 ? issues[0] : undefined;
    return only?.code === 'invalid_type' && only.path.length === 0 ? expectedNoun(only.expected) : undefined;
  });
  if (nouns.length > 0 && nouns.every((noun) => noun !== undefined)) {
    return `expected ${[...new Set(nouns)].join(' or ')}`;
  }
  return 'expected a value of one of the allowed forms';
}

/** What was found, for "…, got string "fast"". */
export function describeValue(value: unknown): string {
  if (value === MISSING || value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'nothing';
  if (typeof value === 'string') return `string ${JSON.stringify(shorten(value))}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
  return typeof value;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The candidate a likely typo was meant to be ("sustian" → "sustain"), if one is close enough. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, with a swap of two neighbouring letters counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = rows[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}
