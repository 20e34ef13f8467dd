/** --metrics-linger: how long the CLI keeps /metrics up after a drill. */
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_LINGER_MS, exporterOptions, parseLinger } from '../../../harness/cli/run.js';
import { makeScenario } from '../../support/fixtures.js';

describe('--metrics-linger', () => {
  it('reads durations as scenarios write them', () => {
    expect(parseLinger('45s')).toBe(45_000);
    expect(parseLinger('2m')).toBe(120_000);
    expect(parseLinger('1m30s')).toBe(90_000);
    expect(parseLinger('0s')).toBe(0);
  });

  it('rejects what is not a duration, or over an hour, saying what it expects', () => {
    for (const bad of ['soon', '45', '-5s', '2h', ''])
      expect(() => parseLinger(bad), bad).toThrow(
        new InvalidArgumentError('expected a duration from 0s to 1h, such as 5s, 45s or 2m'),
      );
  });

  it('reaches the exporters only with --metrics-port, 5 s unless given', () => {
    const scenario = makeScenario();
    const base = { out: 'runs', json: false, color: false };
    expect(exporterOptions(scenario, base).metricsLingerMs).toBeUndefined();
    expect(exporterOptions(scenario, { ...base, metricsPort: 0 }).metricsLingerMs).toBe(
      DEFAULT_METRICS_LINGER_MS,
    );
    expect(
      exporterOptions(scenario, { ...base, metricsPort: 0, metricsLinger: 45_000 }).metricsLingerMs,
    ).toBe(45_000);
  });
});
