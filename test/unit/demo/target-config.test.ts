import { describe, expect, it } from 'vitest';
import { embeddedTargetConfig } from '../../../harness/scenario/schema/targets.js';

describe('embedded target config', () => {
  it('fills in defaults', () => {
    expect(embeddedTargetConfig.parse({ type: 'embedded' })).toEqual({
      type: 'embedded',
      stableVersion: '1.4.2',
      healthPollInterval: 100,
      startTimeout: 10_000,
      routerPort: 0,
      paymentsPort: 0,
    });
  });

  it('parses durations, ports and a payments URL', () => {
    expect(
      embeddedTargetConfig.parse({
        type: 'embedded',
        stableVersion: '1.4.1',
        healthPollInterval: '250ms',
        startTimeout: '30s',
        routerPort: 8080,
        paymentsPort: 18080,
        paymentsUrl: 'http://127.0.0.1:21212',
      }),
    ).toMatchObject({ healthPollInterval: 250, startTimeout: 30_000, paymentsUrl: 'http://127.0.0.1:21212' });
  });

  it('accepts only stable demo versions as the rollback target, and says which', () => {
    const result = embeddedTargetConfig.safeParse({ type: 'embedded', stableVersion: '1.5.0-errors' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      "expected one of the demo shop's stable versions: 1.4.1, 1.4.2",
    );
  });

  it('rejects bad ports, non-http URLs and unknown fields', () => {
    expect(embeddedTargetConfig.safeParse({ type: 'embedded', routerPort: 70_000 }).success).toBe(false);
    expect(embeddedTargetConfig.safeParse({ type: 'embedded', paymentsPort: 1.5 }).success).toBe(false);
    expect(embeddedTargetConfig.safeParse({ type: 'embedded', paymentsUrl: 'ftp://x' }).success).toBe(false);
    expect(embeddedTargetConfig.safeParse({ type: 'embedded', routerport: 1 }).success).toBe(false);
  });
});
