import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  durationDefaultsAsText,
  packageRoot,
  renderJsonSchemaFile,
  runRecordJsonSchema,
  scenarioJsonSchema,
  SCHEMA_FILES,
  staleSchemaFiles,
  writeSchemaFiles,
} from '../../../harness/scenario/write-schema.js';
import { duration, DURATION_PATTERN, parseDurationMs } from '../../../harness/scenario/units.js';
import { FIXTURES } from './helpers.js';

/** Every object node in a JSON value that `matches`. */
function collect(
  value: unknown,
  matches: (node: Record<string, unknown>) => boolean,
): Record<string, unknown>[] {
  if (typeof value !== 'object' || value === null) return [];
  const children = Object.values(value).flatMap((child) => collect(child, matches));
  const node = value as Record<string, unknown>;
  return Array.isArray(value) || !matches(node) ? children : [node, ...children];
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('generated JSON Schemas', () => {
  it.each(SCHEMA_FILES.map((entry) => [entry.path, entry] as const))(
    'the committed %s matches the generator',
    (path, { generate }) => {
      const file = join(ROOT, path);
      const committed = existsSync(file) ? readFileSync(file, 'utf8') : '(missing)';
      const expected = renderJsonSchemaFile(generate());
      if (committed !== expected) {
        expect.fail(
          `${path} is stale: the zod schema changed. Run \`npm run gen:schema\` and commit the result.`,
        );
      }
      expect(committed.endsWith('}\n')).toBe(true);
    },
  );

  it('the scenario schema describes the file as written: durations are strings with a pattern', () => {
    const schema = scenarioJsonSchema();
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:rollback-drill:schema:scenario:v1',
      title: 'rollback-drill scenario (apiVersion: rollback-drill/v1)',
      additionalProperties: false,
    });
    const window = (schema as { properties: Record<string, { properties?: Record<string, unknown> }> })
      .properties.phases?.properties?.['verify'] as { properties: Record<string, unknown> };
    expect(window.properties['window']).toMatchObject({
      type: 'string',
      default: '20s',
      pattern: expect.any(String),
    });
    // Every default of a duration is text that parses, so accepting an editor's suggestion is valid.
    const durationDefaults = collect(
      schema,
      (node) => node['pattern'] === DURATION_PATTERN && 'default' in node,
    );
    expect(durationDefaults.length).toBeGreaterThanOrEqual(10);
    for (const node of durationDefaults) {
      expect(parseDurationMs(String(node['default'])), JSON.stringify(node)).toBeTypeOf('number');
      expect(node['default']).toBeTypeOf('string');
    }
  });

  it('a duration default given in ms is shown as text', () => {
    const schema = z.toJSONSchema(z.object({ timeout: duration.default(1_500) }), {
      io: 'input',
      override: durationDefaultsAsText,
    });
    expect(schema.properties?.['timeout']).toMatchObject({ default: '1.5s', pattern: DURATION_PATTERN });
  });

  it('keys come in a fixed order: identity first, keywords sorted, field order kept', () => {
    const text = renderJsonSchemaFile(scenarioJsonSchema());
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys.slice(0, 5)).toEqual(['$schema', '$id', 'title', 'description', 'type']);
    const fields = Object.keys((JSON.parse(text) as { properties: object }).properties);
    expect(fields.slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
    expect(renderJsonSchemaFile(scenarioJsonSchema())).toBe(text);
    expect(text).toMatch(/^\{\n {2}"\$schema"/);
  });

  it.each(['valid-minimal.yaml', 'valid-full.yaml'])(
    'the JSON Schema accepts %s (what editors check)',
    (name) => {
      const data: unknown = parseYaml(readFileSync(`${FIXTURES}${name}`, 'utf8'), { merge: true });
      const fromJsonSchema = z.fromJSONSchema(scenarioJsonSchema() as z.core.JSONSchema.JSONSchema);
      expect(fromJsonSchema.safeParse(data).error?.issues).toBeUndefined();
      expect(fromJsonSchema.safeParse({ ...(data as object), unknownField: 1 }).success).toBe(false);
    },
  );

  it('the run record schema is for run.json as written', () => {
    expect(runRecordJsonSchema()).toMatchObject({
      $id: 'urn:rollback-drill:schema:run-record:v1',
      title: 'rollback-drill run record (apiVersion: rollback-drill/run/v1)',
      properties: { apiVersion: { const: 'rollback-drill/run/v1' } },
    });
  });

  describe('writing the files', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    it('writes missing or stale files, then reports nothing to do', () => {
      dir = mkdtempSync(join(tmpdir(), 'schema-'));
      expect(staleSchemaFiles(dir)).toEqual(SCHEMA_FILES.map((entry) => entry.path));
      expect(writeSchemaFiles(dir)).toEqual(SCHEMA_FILES.map((entry) => entry.path));
      expect(staleSchemaFiles(dir)).toEqual([]);
      expect(writeSchemaFiles(dir)).toEqual([]);
    });

    it('finds the package root from a folder inside it', () => {
      expect(packageRoot(join(ROOT, 'harness', 'scenario'))).toBe(ROOT.replace(/\/$/, ''));
    });
  });
});
