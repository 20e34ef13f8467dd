/**
 * The JSON Schemas generated from the zod schemas: scenarios/schema.json (what a scenario file
 * may hold, for editors: durations are strings with a pattern) and docs/schemas/run-record.v1.json
 * (what run.json holds, as written). Run as a script it writes both; with --check it only reports
 * stale files, for CI. `npm run gen:schema` builds and runs it.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { RUN_RECORD_API_VERSION, runRecordSchema } from '../store/run-record.js';
import { SCENARIO_API_VERSION, scenarioSchema } from './model.js';
import { DURATION_PATTERN } from './units.js';
import { formatDurationMs } from '../core/errors.js';

type JsonSchema = Record<string, unknown>;
type OverrideContext = Parameters<NonNullable<z.core.ToJSONSchemaParams['override']>>[0];

/**
 * zod leaves out a default given in milliseconds (`duration.default(5_000)`: the output side of
 * a transform); show it as the text a user would write, so editors can offer it.
 */
export function durationDefaultsAsText({ zodSchema, jsonSchema }: OverrideContext): void {
  if (zodSchema instanceof z.ZodDefault && jsonSchema.pattern === DURATION_PATTERN) {
    const ms: unknown = zodSchema.def.defaultValue;
    if (typeof ms === 'number') jsonSchema.default = formatDurationMs(ms);
  }
}

export function scenarioJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(scenarioSchema, {
    io: 'input',
    target: 'draft-2020-12',
    override: durationDefaultsAsText,
  });
  return withHeader(generated, {
    $id: 'urn:rollback-drill:schema:scenario:v1',
    title: `rollback-drill scenario (apiVersion: ${SCENARIO_API_VERSION})`,
    description:
      'A rollback drill: the target, the traffic, the SLOs, the fault to inject, how it is detected and decided, phase timeouts and objectives. Generated from harness/scenario/model.ts; do not edit.',
  });
}

export function runRecordJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(runRecordSchema, { io: 'output', target: 'draft-2020-12' });
  return withHeader(generated, {
    $id: 'urn:rollback-drill:schema:run-record:v1',
    title: `rollback-drill run record (apiVersion: ${RUN_RECORD_API_VERSION})`,
    description:
      'One drill run as written to run.json. Generated from harness/store/run-record.ts; do not edit.',
  });
}

/** The generated files, relative to the package root. */
export const SCHEMA_FILES: readonly { readonly path: string; readonly generate: () => JsonSchema }[] = [
  { path: 'scenarios/schema.json', generate: scenarioJsonSchema },
  { path: 'docs/schemas/run-record.v1.json', generate: runRecordJsonSchema },
];

/** The file text: keywords in a fixed order, two-space indent, trailing newline. */
export function renderJsonSchemaFile(schema: JsonSchema): string {
  return `${JSON.stringify(orderKeys(schema, false), null, 2)}\n`;
}

function withHeader(
  generated: JsonSchema,
  header: { $id: string; title: string; description: string },
): JsonSchema {
  const { $schema, ...rest } = generated;
  return { $schema, ...header, ...rest };
}

// Identity and documentation first, then the rest alphabetically: diffs stay small across zod versions.
const LEADING_KEYWORDS = ['$schema', '$id', 'title', 'description', 'type'];

/**
 * Orders a schema's keywords. Maps of names (properties, $defs) keep the model's order, which
 * follows the file's own layout (apiVersion, kind, metadata, ...), so only their values are ordered.
 */
function orderKeys(value: unknown, isNameMap: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => orderKeys(item, false));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (!isNameMap) entries.sort(([a], [b]) => keywordRank(a) - keywordRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const ordered: Record<string, unknown> = {};
  for (const [key, child] of entries) {
    ordered[key] = orderKeys(child, !isNameMap && NAME_MAPS.has(key));
  }
  return ordered;
}

const NAME_MAPS = new Set(['properties', '$defs', 'definitions', 'patternProperties', 'dependentSchemas']);

function keywordRank(key: string): number {
  const index = LEADING_KEYWORDS.indexOf(key);
  return index === -1 ? LEADING_KEYWORDS.length : index;
}

/** The package root: the nearest folder above this module holding package.json. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** Writes every generated schema under `root`; returns the paths whose content changed. */
export function writeSchemaFiles(root: string): string[] {
  const changed: string[] = [];
  for (const { path, generate } of SCHEMA_FILES) {
    const file = join(root, path);
    const text = renderJsonSchemaFile(generate());
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    changed.push(path);
  }
  return changed;
}

/** The generated files under `root` that differ from what the generator produces now. */
export function staleSchemaFiles(root: string): string[] {
  return SCHEMA_FILES.filter(({ path, generate }) => {
    const file = join(root, path);
    return !existsSync(file) || readFileSync(file, 'utf8') !== renderJsonSchemaFile(generate());
  }).map(({ path }) => path);
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(resolve(script))).href === import.meta.url;
  } catch {
    return false; // argv[1] is not a file (e.g. node -e): imported, not run
  }
}

if (isMainModule()) {
  const root = packageRoot();
  if (process.argv.includes('--check')) {
    const stale = staleSchemaFiles(root);
    for (const path of stale) console.error(`${path} is out of date: run npm run gen:schema`);
    process.exitCode = stale.length > 0 ? 1 : 0;
  } else {
    const changed = writeSchemaFiles(root);
    console.log(changed.length > 0 ? `wrote ${changed.join(', ')}` : 'schemas are up to date');
  }
}
