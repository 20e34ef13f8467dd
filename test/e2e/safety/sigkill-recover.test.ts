/**
 * Acceptance: the harness is killed with SIGKILL at each phase of a drill whose fault (a toxic and
 * the proxy it created) lives on a standalone Toxiproxy server and so outlives the harness. Then
 * `rollback-drill recover` runs: no toxic or proxy of the drill remains (another team's does), no
 * process of the drill is left, and the run's record says `interrupted`, naming the phase.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readIntents } from '../../../harness/runner/intents-read.js';
import { survivorsAfter } from '../cli-process.js';
import { startCli } from '../cli-process.js';
import {
  DRILL_PROXY,
  DRILL_TOXIC,
  onlyRunId,
  proxyListenIn,
  readRecord,
  safetyCli,
  useStandaloneToxiproxy,
} from './toxic-drill.js';

const suite = useStandaloneToxiproxy();

const THEIRS = { 'team-orders': ['team-toxic'] };

const KILL_POINTS = [
  // The kill lands a moment after the line is read, and a phase is written as it starts: the record
  // may name the phase before (not yet written) or after (a quick phase already over).
  { when: 'baseline started', phases: ['setup', 'baseline'], faultLeft: false },
  { when: 'fault in effect', phases: ['fault', 'detect'], faultLeft: true },
  { when: 'detect started', phases: ['fault', 'detect', 'decide'], faultLeft: true },
  { when: 'rollback started', phases: ['decide', 'rollback', 'verify'], faultLeft: true },
  { when: 'verify started', phases: ['rollback', 'verify'], faultLeft: true },
] as const;

describe('SIGKILL at each phase, then recover', () => {
  it.each(KILL_POINTS)(
    'killed when "$when": recover leaves nothing of the drill',
    async ({ when, phases, faultLeft }) => {
      const { scenario, runsDir } = suite.drill();
      const run = startCli(['run', scenario, '--out', runsDir]);
      await run.waitForStderr(when, 60_000);
      run.child.kill('SIGKILL');
      await run.exited;

      const runId = onlyRunId(runsDir);
      const intents = await readIntents(`${runsDir}/${runId}`);
      const phase = intents.ok ? String(intents.doc.phase) : 'unreadable';
      expect(phases).toContain(phase);
      // The damage is real: the drill's proxy and toxic are still on the server.
      expect(await suite.server().state()).toEqual(
        faultLeft ? { ...THEIRS, [DRILL_PROXY]: [DRILL_TOXIC] } : THEIRS,
      );

      const started = Date.now();
      const recovered = await safetyCli(['recover', '--runs', runsDir, '--json']);
      const recoverMs = Date.now() - started;
      expect(recovered.code, recovered.stderr).toBe(0);
      const { runs } = JSON.parse(recovered.stdout) as {
        runs: { runId: string; outcome: string; steps: { name: string; ok: boolean }[] }[];
      };
      expect(runs.map((r) => [r.runId, r.outcome])).toEqual([[runId, 'recovered']]);
      expect(runs[0]?.steps.every((s) => s.ok)).toBe(true);

      expect(await suite.server().state()).toEqual(THEIRS);
      expect(await survivorsAfter(run.marker)).toEqual([]);
      const record = readRecord(runsDir);
      expect(record.result).toBe('interrupted');
      expect(record.reason).toContain(`interrupted during the ${phase} phase`);
      expect(record.timeline.filter((e) => e.type === 'cleanup.failed')).toEqual([]);
      if (faultLeft) {
        const messages = record.timeline.map((e) => e.message);
        expect(messages).toContain(
          `recover: remove toxic ${DRILL_TOXIC} from proxy ${DRILL_PROXY} at ${suite.server().url}: removed`,
        );
        expect(messages).toContain(`recover: remove proxy ${DRILL_PROXY} at ${suite.server().url}: removed`);
      }
      console.log(`SIGKILL at "${when}": recover took ${recoverMs} ms (process start included)`);

      // A second recover finds nothing, and the next drill starts clean on the same runs folder.
      const again = await safetyCli(['recover', '--runs', runsDir]);
      expect(again.stdout).toContain(`no interrupted runs in ${runsDir}`);
    },
  );
});

describe('SIGKILL with the embedded Toxiproxy server', () => {
  it('nothing is left: the proxy died with the harness, its processes exited, recover records it', async () => {
    const { scenario, runsDir } = suite.drill({ embedded: true });
    const run = startCli(['run', scenario, '--out', runsDir]);
    await run.waitForStderr('fault in effect', 60_000);
    const listen = proxyListenIn(run.stderr());
    expect(listen).toBeDefined();
    run.child.kill('SIGKILL');
    await run.exited;
    // The proxy listened inside the harness: its port refuses connections now.
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(listen?.port ?? 1, listen?.host ?? '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect(await survivorsAfter(run.marker)).toEqual([]);
    const recovered = await safetyCli(['recover', '--runs', runsDir]);
    expect(recovered.code, recovered.stderr).toBe(0);
    const record = readRecord(runsDir);
    expect(record.result).toBe('interrupted');
    expect(record.timeline.filter((e) => e.type === 'cleanup.failed')).toEqual([]);
    expect(await suite.server().state()).toEqual(THEIRS); // the standalone server was never involved
  });
});
