import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenarioText } from '../../../harness/scenario/load.js';
import { FIXTURES, MINIMAL_SCENARIO } from './helpers.js';

describe('valid scenario files', () => {
  it('valid-minimal.yaml: every omitted field takes its default, durations in ms, ratios in [0, 1]', async () => {
    const { scenario, file, source } = await loadScenarioFile(`${FIXTURES}valid-minimal.yaml`);
    expect(file).toBe(`${FIXTURES}valid-minimal.yaml`);
    expect(source).toContain('apiVersion: rollback-drill/v1');
    expect(scenario.metadata).toEqual({
      name: 'minimal',
      service: 'demo-shop',
      environment: 'staging',
      team: 'unknown',
    });
    expect(scenario.slos).toEqual({ availability: 0.99, latency: [] });
    expect(scenario.traffic).toMatchObject({
      type: 'builtin',
      rate: 20,
      timeout: 2_000,
      requests: [{ method: 'GET', path: '/', weight: 1 }],
    });
    expect(scenario.decision).toEqual({ type: 'auto', delay: 0 });
    expect(scenario.phases).toEqual({
      baseline: { duration: 10_000 },
      detection: { timeout: 120_000 },
      decision: { timeout: 60_000 },
      rollback: { timeout: 120_000 },
      verify: { window: 20_000, sustain: 5_000 },
    });
    expect(scenario.objectives).toEqual({
      timeToDetect: 300_000,
      timeToDecide: 600_000,
      timeToRollback: 900_000,
      timeToRecover: 1_800_000,
    });
    expect(scenario.abort).toEqual({ maxDuration: 1_800_000 });
  });

  it('valid-full.yaml: every field as written, anchors and merge keys resolved', async () => {
    const { scenario } = await loadScenarioFile(`${FIXTURES}valid-full.yaml`);
    expect(scenario.metadata.environment).toBe('staging-eu');
    expect(scenario.traffic).toMatchObject({ rate: 40.5, timeout: 1_500, maxInFlight: 128, seed: 42 });
    expect(scenario.traffic.type === 'builtin' && scenario.traffic.requests[1]).toEqual({
      method: 'POST',
      path: '/api/checkout',
      weight: 1,
      body: { cartId: 'drill', items: [1, 2] },
    });
    expect(scenario.slos).toEqual({
      availability: 0.995,
      latency: [
        { percentile: 50, threshold: 80 },
        { percentile: 99.9, threshold: 1_000 },
      ],
    });
    expect(scenario.fault).toEqual({ type: 'release', version: '1.5.0-slow' });
    expect(scenario.decision).toEqual({ type: 'auto', delay: 2_000 });
    expect(scenario.phases).toEqual({
      baseline: { duration: 30_000 },
      detection: { timeout: 5_400_000 },
      decision: { timeout: 5_400_000 },
      rollback: { timeout: 90_000 },
      verify: { window: 30_000, sustain: 30_000 },
    });
    expect(scenario.objectives.timeToRecover).toBe(90_000);
    expect(scenario.abort.maxDuration).toBe(86_400_000);
  });

  it('parseScenarioText is pure: the same text gives equal scenarios, and a byte-order mark is ignored', () => {
    const first = parseScenarioText(MINIMAL_SCENARIO, 'a.yaml');
    expect(parseScenarioText(MINIMAL_SCENARIO, 'b.yaml')).toEqual(first);
    expect(parseScenarioText(`\uFEFF${MINIMAL_SCENARIO}`, 'c.yaml')).toEqual(first);
  });

  it('a leading --- and a trailing empty document are one document', () => {
    expect(parseScenarioText(`---\n${MINIMAL_SCENARIO}---\n`, 'x.yaml').metadata.name).toBe('minimal');
  });

  const shipped = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
  // Game-day files (gameday-*.yaml) list scenarios; they have their own loader and tests.
  const shippedFiles = readdirSync(shipped).filter(
    (name) => name.endsWith('.yaml') && !name.startsWith('gameday-'),
  );
  it('the repository ships scenarios to check', () => {
    expect(shippedFiles.length).toBeGreaterThan(0);
  });
  it.each(shippedFiles)('shipped scenarios/%s is valid', async (name) => {
    const { scenario } = await loadScenarioFile(`${shipped}${name}`);
    expect(scenario.apiVersion).toBe('rollback-drill/v1');
  });
});
