/**
 * Redaction of structured data (run records, timeline events, intent records): every string in it,
 * keys included, passes through the redactor. Walking the structure rather than redacting its JSON
 * text means a replacement can never break the document's syntax.
 */
import type { SecretRedactor } from '../core/secrets.js';

/** A copy of `value` with every registered secret replaced; plain data only (JSON-like). */
export function redactDeep<T>(value: T, redactor: SecretRedactor): T {
  if (redactor.size === 0) return value; // nothing registered: skip the copy
  return walk(value, redactor) as T;
}

function walk(value: unknown, redactor: SecretRedactor): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (Array.isArray(value)) return value.map((item) => walk(item, redactor));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[redactor.redact(key)] = walk(item, redactor);
    return out;
  }
  return value;
}

/** Only plain objects are rebuilt; anything else (a Date, a URL) is kept as it is. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
