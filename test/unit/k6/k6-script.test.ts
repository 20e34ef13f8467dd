/**
 * The generated k6 scripts: for every shipped scenario (and both executors) the script type-checks
 * against @types/k6 — the TypeScript compiler checks the JavaScript (`// @ts-check`, strict) with the
 * k6 modules resolved to @types/k6; a broken script fails the same check, so the check is real. No k6
 * binary runs here (it cannot be installed on the build machines).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../harness/scenario/load.js';
import { k6TrafficConfig } from '../../../harness/scenario/schema/traffic.js';
import { k6PlanFrom, renderK6Script, thresholdsFor } from '../../../harness/traffic/k6-script.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const K6_TYPES = join(REPO, 'node_modules/@types/k6');
const folder = mkdtempSync(join(tmpdir(), 'k6-typecheck-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Every scenario file shipped under scenarios/ (templates included). */
function shippedScenarios(dir = join(REPO, 'scenarios')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return shippedScenarios(path);
    if (!entry.name.endsWith('.yaml')) return [];
    return /^kind:\s*Drill\s*$/m.test(readFileSync(path, 'utf8')) ? [path] : [];
  });
}

/** Type errors of each k6 script, as "line:col message" (none when it checks), from one program. */
function typeErrors(scripts: Readonly<Record<string, string>>): Record<string, string[]> {
  const files = Object.entries(scripts).map(([name, script]) => {
    const file = join(folder, `${name}.js`);
    writeFileSync(file, script);
    return [name, file] as const;
  });
  const program = ts.createProgram(
    files.map(([, file]) => file),
    {
      allowJs: true,
      checkJs: true,
      noEmit: true,
      strict: true,
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2020.d.ts'],
      types: [],
      // The script imports 'k6/http' and 'k6/execution': resolve them to @types/k6 only. __ENV and
      // the other k6 globals come with it (@types/k6's global declarations).
      paths: { k6: [join(K6_TYPES, 'index.d.ts')], 'k6/*': [join(K6_TYPES, '*')] },
    },
  );
  const errors: Record<string, string[]> = Object.fromEntries(files.map(([name]) => [name, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const owner = files.find(([, file]) => d.file?.fileName === file)?.[0] ?? 'global';
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    (errors[owner] ??= []).push(`${where ? `${where.line + 1}:${where.character + 1} ` : ''}${text}`);
  }
  return errors;
}

async function scriptFor(path: string): Promise<string> {
  const { scenario } = await loadScenarioFile(path);
  return renderK6Script({
    plan: k6PlanFrom(scenario.traffic),
    slos: scenario.slos,
    scenarioName: scenario.metadata.name,
    source: relative(REPO, path),
    harnessVersion: 'test',
    durationMs: scenario.abort.maxDuration,
  });
}

describe('generated k6 scripts type-check against @types/k6', () => {
  const files = shippedScenarios();
  let errors: Record<string, string[]> = {};
  let ramping = '';
  const control = renderK6Script({
    plan: k6PlanFrom(k6TrafficConfig.parse({ type: 'k6', rate: 10 })),
    scenarioName: 'control',
    source: 'control',
    harnessVersion: 'test',
    durationMs: 60_000,
  });

  beforeAll(async () => {
    const traffic = k6TrafficConfig.parse({
      type: 'k6',
      executor: 'ramping-arrival-rate',
      startRate: 5,
      stages: [
        { target: 50, duration: '30s' },
        { target: 80, duration: '1m' },
      ],
      requests: [
        {
          method: 'POST',
          path: "/api/x'); throw new Error('injected'); ('",
          weight: 1,
          body: { '`${x}`': '*/ evil /*' },
        },
        { method: 'GET', path: '/ok', weight: 3 },
      ],
    });
    ramping = renderK6Script({
      plan: k6PlanFrom(traffic),
      slos: { availability: 0.999, latency: [{ percentile: 99.9, threshold: 750 }] },
      scenarioName: 'ramp"; evil',
      source: 'inline\nnewline',
      harnessVersion: 'test',
      baseUrl: 'https://shop.staging.example.com',
      durationMs: 600_000,
    });
    const scripts: Record<string, string> = { ramping, control };
    for (const path of files) scripts[name(path)] = await scriptFor(path);
    // Controls: the same script broken three ways must fail the same check.
    scripts['control-typo'] = control.replace(
      'exec.scenario.iterationInTest',
      'exec.scenario.iterationInTst',
    );
    scripts['control-executor'] = control.replace(
      `executor: 'constant-arrival-rate'`,
      `executor: 'constant-arival-rate'`,
    );
    scripts['control-call'] = control.replace('http.setResponseCallback(', 'http.setResponseCallback(42, ');
    errors = typeErrors(scripts);
  }, 120_000);

  const name = (path: string): string => relative(REPO, path).replace(/\W/g, '_');

  it('finds the shipped scenarios (demos and templates), and nothing outside the scripts fails', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    expect(errors['global'] ?? []).toEqual([]);
  });

  for (const path of files) {
    it(relative(REPO, path), () => {
      expect(errors[name(path)]).toEqual([]);
    });
  }

  it('a ramping-arrival-rate k6 block, with hostile text in paths and bodies', () => {
    expect(errors['ramping']).toEqual([]);
    expect(ramping).toContain(
      `{ target: 80, duration: "60s" },\n        { target: 80, duration: DURATION },`,
    );
    expect(ramping).toContain('"http_req_duration":["p(99.9)<=750"]');
    expect(ramping).not.toMatch(/^[^/"]*throw new Error\('injected'\)/m);
  });

  it('the check is real: a script that misuses the k6 API fails it', () => {
    expect(errors['control']).toEqual([]);
    expect((errors['control-typo'] ?? []).join('\n')).toMatch(/iterationInTst/);
    expect(errors['control-executor']).not.toEqual([]);
    expect(errors['control-call']).not.toEqual([]);
  });
});

describe('thresholds from the SLOs', () => {
  it('availability → http_req_failed rate, each latency SLO → http_req_duration p(N) in ms', () => {
    expect(
      thresholdsFor({
        availability: 0.995,
        latency: [
          { percentile: 95, threshold: 200 },
          { percentile: 99, threshold: 1_000 },
        ],
      }),
    ).toEqual({
      http_req_failed: ['rate<=0.005'],
      http_req_duration: ['p(95)<=200', 'p(99)<=1000'],
    });
    expect(thresholdsFor({ availability: 1, latency: [] })).toEqual({ http_req_failed: ['rate<=0'] });
  });
});
