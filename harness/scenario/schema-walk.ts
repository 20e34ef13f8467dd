/**
 * Looks inside the zod scenario schema along a field path, so a problem can say which fields are
 * allowed at that spot and what a missing field is for. The data picks the branch of a `type:` union.
 */
import { z } from 'zod';
import { isPlainRecord, valueAtPath, type FieldPath } from './field-path.js';

type Schema = z.core.$ZodType;

/** The schema of the field at `path`, wrappers (defaults, transforms) included; undefined when unknown. */
export function schemaAtPath(root: Schema, path: FieldPath, data: unknown): Schema | undefined {
  let schema: Schema | undefined = root;
  let value: unknown = data;
  for (const segment of path) {
    if (!schema) return undefined;
    const inner = pickBranch(unwrap(schema), value);
    if (inner instanceof z.ZodObject && typeof segment === 'string') {
      schema = inner.shape[segment];
      value = isPlainRecord(value) ? value[segment] : undefined;
    } else if (inner instanceof z.ZodArray && typeof segment === 'number') {
      schema = inner.element;
      value = Array.isArray(value) ? value[segment] : undefined;
    } else {
      return undefined;
    }
  }
  return schema;
}

/** The field names allowed in the mapping at `path`, in schema order. */
export function allowedFieldsAt(root: Schema, path: FieldPath, data: unknown): string[] | undefined {
  const schema = schemaAtPath(root, path, data);
  if (!schema) return undefined;
  const inner = pickBranch(unwrap(schema), valueAtPath(data, path));
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : undefined;
}

/** The `.meta({ description })` of the field at `path`, from its outermost wrapper inwards. */
export function descriptionAt(root: Schema, path: FieldPath, data: unknown): string | undefined {
  for (let schema = schemaAtPath(root, path, data); schema; schema = unwrapOnce(schema)) {
    const description = z.globalRegistry.get(schema)?.description;
    if (description) return description;
  }
  return undefined;
}

/** The schema that describes the value itself: past defaults, optionals and transforms. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (let next = unwrapOnce(current); next; next = unwrapOnce(current)) current = next;
  return current;
}

function unwrapOnce(schema: Schema): Schema | undefined {
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodReadonly
  ) {
    return schema.unwrap();
  }
  // A transform (durations, ratios) validates its input first; the input side is what the file holds.
  if (schema instanceof z.ZodPipe) return schema.in;
  return undefined;
}

/** For a union chosen by a discriminator (`type:`), the branch the data names; otherwise the schema. */
function pickBranch(schema: Schema, value: unknown): Schema {
  if (!(schema instanceof z.ZodDiscriminatedUnion)) return schema;
  const discriminator: string = schema.def.discriminator;
  if (!isPlainRecord(value)) return schema;
  const chosen = value[discriminator];
  const branch = schema.options.find((option) =>
    option._zod.propValues?.[discriminator]?.has(chosen as z.core.util.Primitive),
  );
  return branch ?? schema;
}
