/**
 * `recover` against interrupted runs made to order: real leftover processes, a real (embedded)
 * Toxiproxy server, a target that is still on the bad version. It undoes exactly what the drill
 * left, never what is not the drill's, and writes an `interrupted` record — or, when an undo fails,
 * keeps the run pending and says why.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Toxiproxy } from 'toxiproxy-node-client';
import { recoverInterruptedRuns, RECOVERY_LOG_FILE } from '../../../harness/runner/intents-recover.js';
import { RUN_ID_ENV } from '../../../harness/runner/intents.js';
import { processRunning } from '../../../harness/runner/intents-processes.js';
import type { TargetFactory } from '../../../harness/runner/intents-undo.js';
import { runRecordSchema } from '../../../harness/store/run-record.js';
import type { Target } from '../../../harness/targets/port.js';
import { startToxiproxyServer, type ToxiproxyServer } from '../../../harness/toxiproxy/server.js';
import { intentsDoc, startLeftover, writeInterruptedRun, type Leftover } from './intents-fixture.js';

let runsDir: string;
const leftovers: Leftover[] = [];
const servers: ToxiproxyServer[] = [];

beforeEach(() => {
  runsDir = mkdtempSync(join(tmpdir(), 'recover-'));
});
afterEach(async () => {
  for (const l of leftovers.splice(0)) {
    l.child.kill('SIGKILL');
    await l.exited;
  }
  for (const s of servers.splice(0)) await s.close();
  rmSync(runsDir, { recursive: true, force: true });
});

async function leftover(runId?: string, options: { harnessProgram?: boolean } = {}): Promise<Leftover> {
  const l = await startLeftover(runId, options);
  leftovers.push(l);
  return l;
}

function recordOf(runId: string): ReturnType<typeof runRecordSchema.parse> {
  return runRecordSchema.parse(JSON.parse(readFileSync(join(runsDir, runId, 'run.json'), 'utf8')));
}

/** A target that is stuck on the bad version until rolled back. */
function stuckTarget(options: { rollbackFails?: boolean } = {}): { factory: TargetFactory; calls: string[] } {
  const calls: string[] = [];
  let serving = 'candidate';
  const target = {
    kind: 'scripted',
    stableVersion: 'stable',
    currentVersion: async () => (calls.push('currentVersion'), serving),
    rollback: async () => {
      calls.push('rollback');
      if (options.rollbackFails) throw new Error('helm: cluster unreachable');
      serving = 'stable';
      return { completedAtMs: 0, version: 'stable', observation: { method: 'x', resolutionSeconds: 1 } };
    },
    dispose: async () => void calls.push('dispose'),
  } as unknown as Target;
  return { factory: () => target, calls };
}

describe('recover', () => {
  it('stops the processes the drill started — verified by start time — and sweeps its environment marker', async () => {
    const runId = '20261122T060000Z-procs-0001';
    const tracked = await leftover(runId);
    const reused = await leftover(); // its pid is recorded, but with another start time: a recycled pid
    // Started but never recorded (a crash before the intent update): the demo's own payments child.
    const marked = await leftover(runId, { harnessProgram: true });
    // Carries the marker but is not a rollback-drill program: e.g. the app a deploy command restarted.
    const app = await leftover(runId);
    const stranger = await leftover('20261122T060000Z-someone-else-9999', { harnessProgram: true });
    writeInterruptedRun(
      runsDir,
      intentsDoc(runId, [
        {
          action: 'target.prepare',
          undo: [
            {
              type: 'stop-processes',
              pids: [
                { pid: tracked.pid, label: 'shop 1.4.2', startTicks: tracked.startTicks },
                { pid: reused.pid, label: 'shop 1.5.0', startTicks: reused.startTicks + 1 },
              ],
            },
          ],
        },
      ]),
    );
    const [result] = await recoverInterruptedRuns({ runsDir });
    expect(result?.outcome, result?.detail).toBe('recovered');
    expect(result?.steps.map((s) => s.name)).toEqual([
      `stop shop 1.4.2 (pid ${tracked.pid}): stopped`,
      `stop shop 1.5.0 (pid ${reused.pid}): already gone`,
      `stop leftover process ${marked.pid} (${RUN_ID_ENV}=${runId}): stopped`,
      `left process ${app.pid} running (${process.execPath} -e setInterval(() => {}, 1000)): it carries the run marker but is not a rollback-drill program (e.g. an app a deploy started)`,
    ]);
    expect(processRunning(tracked.pid)).toBe(false);
    expect(processRunning(marked.pid)).toBe(false);
    expect(processRunning(reused.pid)).toBe(true); // not the drill's: untouched
    expect(processRunning(app.pid)).toBe(true); // the system under drill: untouched
    expect(processRunning(stranger.pid)).toBe(true); // another run's
    const record = recordOf(runId);
    expect(record.result).toBe('interrupted');
    expect(record.reason).toMatch(
      /^interrupted during the detect phase: the harness stopped without finishing; recovered .* by rollback-drill recover \(4 recovery steps done\)$/,
    );
    expect(record.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['run.started', 'fault.injected', 'run.aborted', 'cleanup.step']),
    );
    expect(record.endedAt).toBe('2026-11-22T06:00:12.500Z'); // the last sign of life, not the recovery
    expect(readFileSync(join(runsDir, runId, 'report.md'), 'utf8')).toContain('— INTERRUPTED');
    // Done once: the next recover finds nothing to do.
    expect(await recoverInterruptedRuns({ runsDir })).toEqual([]);
  });

  it('rolls a target that outlives the harness back to its stable version', async () => {
    const runId = '20261122T060000Z-target-0002';
    const { factory, calls } = stuckTarget();
    writeInterruptedRun(
      runsDir,
      intentsDoc(runId, [
        {
          action: 'fault.inject',
          undo: [{ type: 'restore-target', target: { type: 'scripted' }, stableVersion: 'stable' }],
        },
      ]),
    );
    const [result] = await recoverInterruptedRuns({ runsDir, createTarget: factory });
    expect(result?.outcome, result?.detail).toBe('recovered');
    expect(calls).toEqual(['currentVersion', 'rollback', 'currentVersion', 'dispose']);
    expect(result?.steps[0]?.name).toBe(
      'make sure stable serves on the scripted target: rolled back from candidate to stable',
    );
    expect(recordOf(runId).target.versionAfterRun).toBe('stable');
  });

  it('removes the toxic it added and the proxy it created, and leaves everyone else’s alone', async () => {
    const server = await startToxiproxyServer({ port: 0 });
    servers.push(server);
    const client = new Toxiproxy(server.url);
    const created = await client.createProxy({
      name: 'drill-payments',
      listen: '127.0.0.1:0',
      upstream: '127.0.0.1:9',
    });
    await created.addToxic({
      name: 'rollback-drill-latency-downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 100 },
    });
    const shared = await client.createProxy({
      name: 'shared',
      listen: '127.0.0.1:0',
      upstream: '127.0.0.1:9',
    });
    await shared.addToxic({
      name: 'drill-toxic',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 100 },
    });
    await shared.addToxic({
      name: 'their-toxic',
      type: 'latency',
      stream: 'upstream',
      toxicity: 1,
      attributes: { latency: 5 },
    });
    const runId = '20261122T060000Z-toxic-0003';
    writeInterruptedRun(
      runsDir,
      intentsDoc(runId, [
        {
          action: 'fault.inject',
          undo: [
            {
              type: 'remove-toxic',
              apiUrl: server.url,
              proxy: 'drill-payments',
              toxic: 'rollback-drill-latency-downstream',
            },
            { type: 'remove-proxy', apiUrl: server.url, proxy: 'drill-payments' },
          ],
        },
        {
          action: 'fault.inject',
          undo: [{ type: 'remove-toxic', apiUrl: server.url, proxy: 'shared', toxic: 'drill-toxic' }],
        },
      ]),
    );
    const [result] = await recoverInterruptedRuns({ runsDir });
    expect(result?.outcome, result?.detail).toBe('recovered');
    const proxies = await client.getAll();
    expect(Object.keys(proxies)).toEqual(['shared']);
    const toxics = (await (await fetch(`${server.url}/proxies/shared/toxics`)).json()) as { name: string }[];
    expect(toxics.map((t) => t.name)).toEqual(['their-toxic']);
    expect(result?.steps.map((s) => s.name)).toEqual([
      `remove toxic drill-toxic from proxy shared at ${server.url}: removed`,
      `remove toxic rollback-drill-latency-downstream from proxy drill-payments at ${server.url}: removed`,
      `remove proxy drill-payments at ${server.url}: removed`,
      'check for processes of this run: none left running',
    ]);
  });

  it('counts a Toxiproxy that no longer runs as nothing left (its proxies died with it)', async () => {
    const server = await startToxiproxyServer({ port: 0 });
    await server.close();
    const runId = '20261122T060000Z-gone-0004';
    writeInterruptedRun(
      runsDir,
      intentsDoc(runId, [{ undo: [{ type: 'remove-proxy', apiUrl: server.url, proxy: 'drill-payments' }] }]),
    );
    const [result] = await recoverInterruptedRuns({ runsDir });
    expect(result?.outcome, result?.detail).toBe('recovered');
    expect(result?.steps[0]?.name).toBe(`remove proxy drill-payments at ${server.url}: already gone`);
  });

  it('keeps a run pending when an undo fails, logs the attempt, and finishes it at the next recover', async () => {
    const runId = '20261122T060000Z-failing-0005';
    writeInterruptedRun(
      runsDir,
      intentsDoc(runId, [
        { undo: [{ type: 'restore-target', target: { type: 'scripted' }, stableVersion: 'stable' }] },
      ]),
    );
    const failing = stuckTarget({ rollbackFails: true });
    const [first] = await recoverInterruptedRuns({ runsDir, createTarget: failing.factory });
    expect(first?.outcome).toBe('failed');
    expect(first?.detail).toBe(
      '1 recovery step failed; the run stays pending and is retried at the next recover',
    );
    expect(first?.steps.find((s) => !s.ok)?.error).toBe('helm: cluster unreachable');
    expect(existsSync(join(runsDir, runId, 'run.json'))).toBe(false);
    const log = JSON.parse(readFileSync(join(runsDir, runId, RECOVERY_LOG_FILE), 'utf8')) as {
      attempts: unknown[];
    };
    expect(log.attempts).toHaveLength(1);

    const [second] = await recoverInterruptedRuns({ runsDir, createTarget: stuckTarget().factory });
    expect(second?.outcome, second?.detail).toBe('recovered');
    expect(recordOf(runId).result).toBe('interrupted');
  });

  it('never touches a run whose harness is alive, nor one it cannot check without --force', async () => {
    const runId = '20261122T060000Z-alive-0006';
    const mine = await leftover(runId);
    writeInterruptedRun(
      runsDir,
      intentsDoc(runId, [
        {
          undo: [
            { type: 'stop-processes', pids: [{ pid: mine.pid, label: 'shop', startTicks: mine.startTicks }] },
          ],
        },
      ]),
    );
    const [alive] = await recoverInterruptedRuns({ runsDir, liveness: () => 'alive' });
    expect(alive?.outcome).toBe('running');
    const [unknown] = await recoverInterruptedRuns({ runsDir, liveness: () => 'unknown' });
    expect(unknown?.outcome).toBe('skipped');
    expect(processRunning(mine.pid)).toBe(true);
    expect(existsSync(join(runsDir, runId, 'run.json'))).toBe(false);
    // This very process, as the writer: alive by the real check too.
    const { ownIdentity } = await import('../../../harness/runner/intents-processes.js');
    writeInterruptedRun(runsDir, intentsDoc(runId, [], { harness: { ...ownIdentity(), envMarker: false } }));
    const [me] = await recoverInterruptedRuns({ runsDir });
    expect(me?.outcome).toBe('running');
  });

  it('reports an unreadable intent record and changes nothing', async () => {
    const runId = '20261122T060000Z-corrupt-0007';
    const folder = writeInterruptedRun(runsDir, intentsDoc(runId, []));
    writeFileSync(
      join(folder, 'intents.json'),
      '{"apiVersion": "rollback-drill/intents/v1", "runId": "x", "har',
    );
    const [result] = await recoverInterruptedRuns({ runsDir });
    expect(result?.outcome).toBe('unreadable');
    expect(result?.detail).toMatch(/not valid JSON \(\d+ bytes; truncated or corrupt\); nothing was undone$/);
    expect(readdirSync(folder)).toEqual(['intents.json']);
  });

  it('two recovers at once: one does the work, the other stands aside', async () => {
    const runId = '20261122T060000Z-twice-0008';
    writeInterruptedRun(runsDir, intentsDoc(runId, []));
    const results = (
      await Promise.all([recoverInterruptedRuns({ runsDir }), recoverInterruptedRuns({ runsDir })])
    ).flat();
    expect(results.filter((r) => r.outcome === 'recovered')).toHaveLength(1);
    expect(recordOf(runId).result).toBe('interrupted');
  });

  it('removes temp files a writer that died mid-write left behind', async () => {
    const runId = '20261122T060000Z-temp-0009';
    const folder = writeInterruptedRun(runsDir, intentsDoc(runId, [], { state: 'cleaned-up' }));
    writeFileSync(join(folder, '.run.json.999999.abcd1234.tmp'), '{"half');
    const [result] = await recoverInterruptedRuns({ runsDir });
    expect(result?.outcome).toBe('recovered');
    expect(readdirSync(folder).sort()).toEqual(['intents.json', 'report.md', 'run.json']);
    // It had cleaned up; only its record was missing, and the new one says so.
    expect(recordOf(runId).reason).toMatch(
      /^interrupted after its cleanup: the harness stopped before writing the record/,
    );
  });

  it('a run that changed nothing is recorded as such', async () => {
    const runId = '20261122T060000Z-nothing-0010';
    writeInterruptedRun(runsDir, intentsDoc(runId, [], { phase: null, events: [] }));
    const [result] = await recoverInterruptedRuns({ runsDir });
    expect(result?.outcome).toBe('recovered');
    expect(recordOf(runId).reason).toBe(
      'interrupted during the setup phase: the harness stopped without finishing; it had changed nothing yet',
    );
  });
});
