/**
 * Field paths: the address of a value inside a scenario, as zod reports it (`['traffic',
 * 'requests', 2, 'weight']`) and as a user reads it (`traffic.requests[2].weight`).
 */
export type FieldPath = readonly PropertyKey[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `['traffic', 'requests', 2, 'weight']` → `traffic.requests[2].weight`; `[]` → `` (the file itself). */
export function formatFieldPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) text += text ? `.${key}` : key;
      // Keys a user could not type as a dotted path ("my key", "a.b") are quoted so the path stays unambiguous.
      else text += `[${JSON.stringify(key)}]`;
    }
  }
  return text;
}

/** Marks a field that is absent, as opposed to present with no value (YAML `key:` is null). */
export const MISSING: unique symbol = Symbol('missing');

/** The value at `path` in plain parsed data, or MISSING when some step of the path is absent. */
export function valueAtPath(data: unknown, path: FieldPath): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') {
      if (segment < 0 || segment >= current.length) return MISSING;
      current = current[segment];
    } else if (isPlainRecord(current) && Object.hasOwn(current, segment)) {
      current = current[segment as string];
    } else {
      return MISSING;
    }
  }
  return current;
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
