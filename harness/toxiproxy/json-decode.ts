/**
 * Decoding request bodies the way Toxiproxy's Go structs do: unknown keys are ignored, `null` leaves a
 * field as it was, and a value of the wrong JSON type is an error whose text reads like Go's
 * encoding/json (`json: cannot unmarshal string into Go struct field Proxy.name of type string`).
 * Callers wrap the message as `bad request body: <message>` for a 400.
 */

export class JsonTypeError extends Error {}

export type JsonObject = Record<string, unknown>;

/** Parses a body; an empty body is Go's `EOF`. Throws JsonTypeError with a Go-like message. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new JsonTypeError('EOF');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JsonTypeError(error instanceof Error ? error.message : String(error));
  }
}

/** The JSON type of a value in Go's words (bool, not boolean). */
export function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  return typeof value; // string, number, object
}

function typeMismatch(value: unknown, field: string, goType: string): JsonTypeError {
  const kind = jsonKind(value);
  const shown = kind === 'number' ? `number ${String(value)}` : kind;
  return new JsonTypeError(`json: cannot unmarshal ${shown} into Go struct field ${field} of type ${goType}`);
}

/** The body must be a JSON object (or null, which decodes to nothing). */
export function expectObject(value: unknown, goType: string): JsonObject {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new JsonTypeError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${goType}`);
  }
  return value as JsonObject;
}

/** An object-valued field (attributes): null or absent decode to nothing. */
export function objectField(
  body: JsonObject,
  key: string,
  field: string,
  goType: string,
): JsonObject | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw typeMismatch(value, field, goType);
  return value as JsonObject;
}

export function stringField(body: JsonObject, key: string, field: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeMismatch(value, field, 'string');
  return value;
}

export function boolField(body: JsonObject, key: string, field: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw typeMismatch(value, field, 'bool');
  return value;
}

/** A float32 field (toxicity). Kept as sent: Go prints a float32 in its shortest form, so 0.1 stays 0.1. */
export function numberField(body: JsonObject, key: string, field: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw typeMismatch(value, field, 'float32');
  return value;
}

const INT_LIMITS = { int64: 2 ** 63, int: 2 ** 63 } as const;

/** A whole-number field (every toxic attribute): fractions and out-of-range numbers are refused like Go. */
export function integerField(
  body: JsonObject,
  key: string,
  field: string,
  goType: keyof typeof INT_LIMITS,
): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) >= INT_LIMITS[goType]) {
    throw typeMismatch(value, field, goType);
  }
  return value;
}
