/**
 * The manual abort through the run folder: `requestAbort` (used by `rollback-drill abort` and the
 * serve daemon) writes a request only for a drill that can act on it, and a running drill's stop
 * condition sees it within one poll — real files, real time.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abortCommand } from '../../../harness/cli/abort.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { UserError } from '../../../harness/core/errors.js';
import { ownIdentity } from '../../../harness/runner/intents-processes.js';
import { interruptedRecord } from '../../../harness/runner/intents-record.js';
import {
  abortRequestCondition,
  ABORT_REQUEST_FILE,
  readAbortRequest,
  requestAbort,
} from '../../../harness/runner/stop-conditions-abort-request.js';
import type { StopConditionFired } from '../../../harness/runner/stop-conditions.js';
import { saveRun } from '../../../harness/store/run-store.js';
import { intentsDoc, writeInterruptedRun } from './intents-fixture.js';

let runsDir: string;
beforeEach(() => {
  runsDir = mkdtempSync(join(tmpdir(), 'abort-'));
});
afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

const ask = { reason: 'real incident', requestedBy: 'alice@ops' };

describe('requestAbort', () => {
  it('writes a request for a running drill, which reads it back', async () => {
    const runId = '20261122T060000Z-live-0001';
    writeInterruptedRun(runsDir, intentsDoc(runId, [], { harness: { ...ownIdentity(), envMarker: false } }));
    const outcome = await requestAbort(runsDir, runId, { ...ask, now: new Date('2026-11-22T06:00:05Z') });
    expect(outcome.status).toBe('requested');
    expect(await readAbortRequest(outcome.runFolder)).toEqual({
      apiVersion: 'rollback-drill/abort-request/v1',
      reason: 'real incident',
      requestedBy: 'alice@ops',
      requestedAt: '2026-11-22T06:00:05.000Z',
    });
  });

  it('a drill still starting (no intent record yet) gets the request too', async () => {
    mkdirSync(join(runsDir, '20261122T060000Z-starting-0002'));
    const outcome = await requestAbort(runsDir, '20261122T060000Z-starting-0002', ask);
    expect(outcome.status).toBe('requested');
    expect(outcome.detail).toContain('the drill may be starting');
  });

  it('says when there is nothing to abort: no such run, a finished one, a dead one', async () => {
    expect((await requestAbort(runsDir, '20261122T060000Z-none-0003', ask)).status).toBe('no-such-run');

    const dead = '20261122T060000Z-dead-0004';
    writeInterruptedRun(runsDir, intentsDoc(dead, []));
    const notRunning = await requestAbort(runsDir, dead, ask);
    expect(notRunning.status).toBe('not-running');
    expect(notRunning.detail).toContain('rollback-drill recover');

    const finished = '20261122T060000Z-done-0005';
    const doc = intentsDoc(finished, []);
    const record = interruptedRecord({
      intents: doc,
      steps: [],
      recoveredAt: doc.updatedAt,
      versionAfterRun: null,
      recoveredBy: 'test',
    });
    await saveRun(runsDir, record, '# r\n');
    const done = await requestAbort(runsDir, finished, ask);
    expect(done.status).toBe('finished');
    expect(done.detail).toContain('already finished: interrupted');
    await expect(
      abortCommand(
        finished,
        { runs: runsDir, reason: 'x', wait: 0 },
        { stdout: () => undefined, stderr: () => undefined },
      ),
    ).rejects.toThrow(UserError);
  });

  it.each(['../../etc', '/tmp', '.hidden', 'a/b'])('refuses the run id %j', async (id) => {
    await expect(requestAbort(runsDir, id, ask)).rejects.toThrow(/not a run id/);
  });
});

describe('the abort-request stop condition (real files, real time)', () => {
  it('fires within one poll of the request being written', async () => {
    const runId = '20261122T060000Z-poll-0006';
    const folder = writeInterruptedRun(
      runsDir,
      intentsDoc(runId, [], { harness: { ...ownIdentity(), envMarker: false } }),
    );
    const clock = new SystemClock();
    let fired: StopConditionFired | undefined;
    let firedAt = 0;
    const stop = abortRequestCondition(folder).start({
      clock,
      subscribe: () => () => undefined,
      fire: (s) => {
        fired = s;
        firedAt = clock.now();
      },
      log: () => undefined,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 700)); // a few polls with nothing there
      expect(fired).toBeUndefined();
      const requestedAt = clock.now();
      expect((await requestAbort(runsDir, runId, ask)).status).toBe('requested');
      for (let i = 0; i < 100 && !fired; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fired?.reason).toBe('aborted by alice@ops: real incident');
      expect(firedAt - requestedAt).toBeLessThan(2_000); // one 500 ms poll, generous for a busy machine
      expect(JSON.parse(readFileSync(join(folder, ABORT_REQUEST_FILE), 'utf8'))).toMatchObject({
        reason: 'real incident',
      });
    } finally {
      stop();
    }
  });
});
