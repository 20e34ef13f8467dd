/**
 * Stop conditions on real drills: `rollback-drill abort RUN` stops a running drill from another
 * process, and the blast-radius guard stops one whose error ratio stays beyond its limit. Either
 * way the fault is cleared at once, nothing is left, and the record says aborted with the reason.
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startCli, survivorsAfter } from '../cli-process.js';
import { onlyRunId, readRecord, safetyCli, useStandaloneToxiproxy } from './toxic-drill.js';

const suite = useStandaloneToxiproxy();

describe('stopping a drill', () => {
  it('`rollback-drill abort RUN` from another process: the drill clears its fault and records who and why', async () => {
    // A slow decision keeps the fault in place until the abort arrives.
    const { scenario, runsDir } = suite.drill({ decisionDelay: '45s' });
    const run = startCli(['run', scenario, '--out', runsDir]);
    await run.waitForStderr('decide started', 60_000);
    const runId = onlyRunId(runsDir);
    const askedAt = Date.now();
    const aborted = await safetyCli([
      'abort',
      runId,
      '--runs',
      runsDir,
      '--reason',
      'real incident on checkout',
    ]);
    console.log(`abort: request to record in ${Date.now() - askedAt} ms (CLI start included)`);
    expect(aborted.code, aborted.stderr).toBe(0);
    const by = new RegExp(
      `^run ${runId} aborted: aborted by .+@${hostname()} via rollback-drill abort: real incident on checkout\\n$`,
    );
    expect(aborted.stdout).toMatch(by);
    expect(await run.exited).toBe(3);
    const record = readRecord(runsDir);
    expect(record.result).toBe('aborted');
    expect(record.timeline.find((e) => e.type === 'run.aborted')?.data).toMatchObject({
      stopCondition: 'abortRequest',
    });
    expect(record.timeline.filter((e) => e.type === 'cleanup.failed')).toEqual([]);
    expect(await suite.server().state()).toEqual({ 'team-orders': ['team-toxic'] });
    expect(await survivorsAfter(run.marker)).toEqual([]);
    // Asking again: the run is over, and the command says so (exit 2).
    const again = await safetyCli(['abort', runId, '--runs', runsDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`run ${runId} already finished: aborted`);
  });

  it('the blast-radius guard stops a drill whose error ratio stays beyond its limit', async () => {
    const { scenario, runsDir } = suite.drill({
      decisionDelay: '45s',
      abort: '  blastRadius: { errorRatio: 10%, sustain: 2s }',
    });
    const run = startCli(['run', scenario, '--out', runsDir]);
    expect(await run.exited).toBe(3);
    const record = readRecord(runsDir);
    expect(record.result).toBe('aborted');
    expect(record.reason).toMatch(
      /^blast radius exceeded: error ratio \d+\.\d% > 10\.0% for [2-9](\.\d+)?s \(abort\.blastRadius allows 2s\)$/,
    );
    const faultAt = record.timeline.find((e) => e.type === 'fault.injected')?.offsetSeconds ?? 0;
    const abortAt = record.timeline.find((e) => e.type === 'run.aborted')?.offsetSeconds ?? 0;
    console.log(
      `blast radius: fault in effect at ${faultAt}s, drill stopped at ${abortAt}s (${record.reason})`,
    );
    // Judged on whole 1 s samples: the first one may straddle the fault start, so the guard fires
    // between sustain − 1 s and sustain + 1 s after it (plus slack for a busy machine).
    expect(abortAt - faultAt).toBeGreaterThanOrEqual(1);
    expect(abortAt - faultAt).toBeLessThan(6);
    expect(await suite.server().state()).toEqual({ 'team-orders': ['team-toxic'] });
    expect(await survivorsAfter(run.marker)).toEqual([]);
  });
});
