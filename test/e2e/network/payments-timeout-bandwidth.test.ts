/**
 * Network-fault drills on the demo through the built CLI: a release (1.5.0-mesh) that routes payments
 * through a proxy that hangs (timeout toxic) or throttles (bandwidth toxic). Each must pass, show the
 * fault's effect in the SLIs, clear its toxic and proxy, and leave no process behind. ~35 s a drill.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PAYMENTS_TIMEOUT_MS } from '../../../harness/demo/payments-client.js';
import { releaseCarriedFaultProblems, runNetworkDrill, stopRunningDrills } from './network-drill.js';

const outDir = mkdtempSync(join(tmpdir(), 'drill-e2e-network-'));
afterAll(async () => {
  await stopRunningDrills();
  rmSync(outDir, { recursive: true, force: true });
});

describe('network-fault drills on the demo payments dependency', () => {
  it('demo-payments-timeout: a hanging payments route makes checkouts wait out the 1 s timeout and fail', async () => {
    const drill = await runNetworkDrill('scenarios/demo-payments-timeout.yaml', outDir);
    expect(releaseCarriedFaultProblems(drill)).toEqual([]);
    const { baseline, fault, postRollback } = drill.record.windows;
    const windows = JSON.stringify(drill.record.windows);
    expect(baseline?.errors, windows).toBe(0);
    expect(fault?.errorRatio ?? 0, windows).toBeGreaterThan(0.08);
    // A failed checkout took the shop's payments timeout: p95 sits just above it.
    expect(fault?.latencyMs?.p95 ?? 0, windows).toBeGreaterThanOrEqual(PAYMENTS_TIMEOUT_MS);
    expect(fault?.latencyMs?.p95 ?? 9_999, windows).toBeLessThan(PAYMENTS_TIMEOUT_MS + 500);
    // Checkouts already waiting on the hung route when the rollback completed may still fail just
    // after it; a handful at most.
    expect(postRollback?.errorRatio ?? 1, windows).toBeLessThan(0.02);
    expect(postRollback?.latencyMs?.p95 ?? 999, windows).toBeLessThan(300);
    expect(drill.report).toContain('# Rollback drill: demo-payments-timeout — PASSED');
  });

  it('demo-payments-bandwidth: a 1 KB/s payments route slows every checkout by ~176 ms, and not after the rollback', async () => {
    const drill = await runNetworkDrill('scenarios/demo-payments-bandwidth.yaml', outDir);
    expect(releaseCarriedFaultProblems(drill)).toEqual([]);
    const { baseline, fault, postRollback } = drill.record.windows;
    const windows = JSON.stringify(drill.record.windows);
    // A payments answer is 176 bytes: at 1 KB/s (1 byte/ms) that is ~176 ms more per checkout. Checkout
    // is ~44% of this drill's traffic, so p90 is a checkout's, and the transmission time is its floor.
    expect(fault?.latencyMs?.p90 ?? 0, windows).toBeGreaterThan(165);
    expect(fault?.errors, windows).toBe(0);
    // Back to the baseline's median after the rollback, well below the fault's p90.
    expect(
      Math.abs((postRollback?.latencyMs?.p50 ?? 999) - (baseline?.latencyMs?.p50 ?? 0)),
      windows,
    ).toBeLessThan(50);
    expect(postRollback?.latencyMs?.p90 ?? 999, windows).toBeLessThan((fault?.latencyMs?.p90 ?? 0) - 50);
    expect(drill.report).toContain('# Rollback drill: demo-payments-bandwidth — PASSED');
  });
});
