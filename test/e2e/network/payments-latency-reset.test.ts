/**
 * Network-fault drills on the demo through the built CLI: a release (1.5.0-mesh) that routes payments
 * through a proxy carrying a latency or a reset_peer toxic. Each must pass, show the fault's effect
 * in the SLIs (fault window clearly off the baseline, back after the rollback), clear its toxic and
 * proxy, and leave no process behind. About 35 s a drill.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseCarriedFaultProblems, runNetworkDrill, stopRunningDrills } from './network-drill.js';

const outDir = mkdtempSync(join(tmpdir(), 'drill-e2e-network-'));
afterAll(async () => {
  await stopRunningDrills();
  rmSync(outDir, { recursive: true, force: true });
});

describe('network-fault drills on the demo payments dependency', () => {
  it('demo-payments-latency: +400 ms on payments shows in the fault-window p95, and is gone after the rollback', async () => {
    const drill = await runNetworkDrill('scenarios/demo-payments-latency.yaml', outDir);
    expect(releaseCarriedFaultProblems(drill)).toEqual([]);
    const { fault, postRollback } = drill.record.windows;
    const windows = JSON.stringify(drill.record.windows);
    // Checkout (~18% of requests) waits for payments, so the p95 of all requests is a checkout's:
    // at least the toxic's 400 ms, while a passed drill's baseline p95 is within the 300 ms SLO.
    expect(fault?.latencyMs?.p95 ?? 0, windows).toBeGreaterThanOrEqual(400);
    // ...and under the shop's 1 s payments timeout: slow, not failing.
    expect(fault?.latencyMs?.p95 ?? 9_999, windows).toBeLessThan(1_000);
    expect(fault?.errors, windows).toBe(0);
    expect(drill.record.detector.reason ?? '').toMatch(/p95 latency/);
    expect(postRollback?.latencyMs?.p95 ?? 999, windows).toBeLessThan(300);
    expect(drill.report).toContain('# Rollback drill: demo-payments-latency — PASSED');
    expect(drill.report).toContain('latency +400ms on demo-payments (downstream)');
  });

  it('demo-payments-reset: connection resets turn checkouts into errors until the rollback', async () => {
    const drill = await runNetworkDrill('scenarios/demo-payments-reset.yaml', outDir);
    expect(releaseCarriedFaultProblems(drill)).toEqual([]);
    const { baseline, fault, postRollback } = drill.record.windows;
    const windows = JSON.stringify(drill.record.windows);
    expect(baseline?.errors, windows).toBe(0);
    // Every checkout through the reset route fails: ~18% of the mix (random, so a wide band).
    expect(fault?.errorRatio ?? 0, windows).toBeGreaterThan(0.08);
    expect(fault?.errorRatio ?? 1, windows).toBeLessThan(0.3);
    expect(postRollback?.errors, windows).toBe(0);
    expect(drill.record.measurements.impact.failedRequests).toBeGreaterThan(10);
    expect(drill.record.detector.reason ?? '').toMatch(/error ratio/);
    expect(drill.report).toContain('# Rollback drill: demo-payments-reset — PASSED');
  });
});
