/**
 * Acceptance: SIGINT or SIGTERM during a drill — at any phase — and the harness cleans up within 5 s:
 * the drill's toxic and proxy are gone from the (standalone) Toxiproxy, no process of the drill is
 * left, the record says `aborted` with the signal, and the exit code is 3.
 */
import { describe, expect, it } from 'vitest';
import { startCli, survivorsAfter } from '../cli-process.js';
import { readRecord, useStandaloneToxiproxy } from './toxic-drill.js';

const suite = useStandaloneToxiproxy();

const CASES = [
  { signal: 'SIGTERM', when: 'baseline started', to: 'the harness' },
  { signal: 'SIGTERM', when: 'fault in effect', to: 'the harness' },
  { signal: 'SIGINT', when: 'detect started', to: 'the process group' },
  { signal: 'SIGTERM', when: 'rollback started', to: 'the harness' },
  { signal: 'SIGINT', when: 'verify started', to: 'the process group' },
] as const;

describe('SIGINT and SIGTERM during a drill', () => {
  it.each(CASES)('$signal to $to when "$when": cleaned up within 5 s', async ({ signal, when, to }) => {
    const group = to === 'the process group';
    const { scenario, runsDir } = suite.drill();
    const run = startCli(['run', scenario, '--out', runsDir], { ownProcessGroup: group });
    await run.waitForStderr(when, 60_000);
    const signalledAt = Date.now();
    // A terminal's Ctrl-C reaches the whole group; a supervisor's SIGTERM only the harness.
    process.kill(group ? -(run.child.pid ?? 0) : (run.child.pid ?? 0), signal);
    const code = await run.exited;
    const tookMs = Date.now() - signalledAt;
    console.log(
      `${signal} at "${when}": the harness cleaned up, wrote its record and exited in ${tookMs} ms`,
    );
    expect(tookMs).toBeLessThan(5_000);
    expect(code).toBe(3);
    const record = readRecord(runsDir);
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe(`interrupted by ${signal}`);
    expect(record.timeline.filter((e) => e.type === 'cleanup.failed')).toEqual([]);
    expect(record.target.versionAfterRun).toBe('1.4.2');
    expect(await suite.server().state()).toEqual({ 'team-orders': ['team-toxic'] });
    expect(await survivorsAfter(run.marker)).toEqual([]);
  });
});
