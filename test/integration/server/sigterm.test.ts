/**
 * A real `rollback-drill serve` process: SIGTERM during a demo drill aborts the drill, cleans it up
 * (no process of the drill is left: each carries the test's marker in its environment), saves its
 * record as aborted, and exits 0. And it refuses to start without a token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runRecordSchema } from '../../../harness/store/run-record.js';
import { processesWithMarker, REPO_ROOT, survivorsAfter } from '../../e2e/cli-process.js';
import { waitUntil } from '../../support/wait.js';
import { writeShortDemoScenario } from './demo-scenario.js';

const ENTRY = join(REPO_ROOT, 'test/integration/server/serve-entry.ts');
const TOKEN = 'sigterm-test-token-0123456789abcdef';
const root = mkdtempSync(join(tmpdir(), 'serve-sigterm-'));
const scenariosDir = join(root, 'scenarios');
mkdirSync(scenariosDir, { recursive: true });
writeShortDemoScenario(scenariosDir, 'sigterm-demo');
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface ServeProcess {
  readonly child: ChildProcess;
  readonly marker: string;
  readonly exited: Promise<number | null>;
  stderr(): string;
}
const started: ServeProcess[] = [];
afterEach(async () => {
  for (const serve of started.splice(0)) {
    if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    for (const pid of await survivorsAfter(serve.marker, 2_000)) process.kill(pid, 'SIGKILL');
  }
});

/** `env` values of undefined remove the variable (e.g. a token set in the test runner's environment). */
function startServe(args: readonly string[], env: Record<string, string | undefined>): ServeProcess {
  const marker = `serve-${randomUUID()}`;
  const merged = { ...process.env, ...env, ROLLBACK_DRILL_TEST_MARKER: marker, NO_COLOR: '1' };
  const childEnv = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', ...args], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const serve = { child, marker, exited, stderr: () => err };
  started.push(serve);
  return serve;
}

describe('rollback-drill serve as a process', () => {
  it('SIGTERM during a drill: aborts it, cleans up every process, saves the record as aborted, exits 0', async () => {
    const runsDir = join(root, 'runs-sigterm');
    const serve = startServe(['--port', '0', '--runs', runsDir, '--scenarios', scenariosDir], {
      ROLLBACK_DRILL_TOKEN: TOKEN,
    });
    const url = await waitUntil(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(serve.stderr())?.[1], {
      timeoutMs: 30_000,
      description: 'serve to listen',
    });
    const response = await fetch(`${url}/api/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'sigterm-demo' }),
    });
    expect(response.status).toBe(202);
    const { runId } = (await response.json()) as { runId: string };
    await waitUntil(
      async () => {
        const run = (await (await fetch(`${url}/api/runs/${runId}`)).json()) as { run?: { phase?: string } };
        return run.run?.phase === 'detect' || undefined;
      },
      { timeoutMs: 30_000, description: 'the fault to be in effect (detect phase)' },
    );
    expect(processesWithMarker(serve.marker).length).toBeGreaterThan(1); // serve and the demo processes

    const signalledAt = Date.now();
    serve.child.kill('SIGTERM'); // to the daemon only, as a process manager's stop would
    const code = await serve.exited;
    expect(code).toBe(0);
    const stopMs = Date.now() - signalledAt;
    if (process.env['SERVE_TEST_TIMINGS']) console.log(`serve stopped ${stopMs} ms after SIGTERM`);
    expect(stopMs).toBeLessThan(15_000);
    expect(serve.stderr()).toContain('SIGTERM received: stopping');
    expect(serve.stderr()).toContain('aborting 1 running drill and waiting for cleanup');

    expect(readdirSync(runsDir).filter((f) => !f.startsWith('.'))).toEqual([runId]);
    const record = runRecordSchema.parse(JSON.parse(readFileSync(join(runsDir, runId, 'run.json'), 'utf8')));
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe('serve stopped by SIGTERM');
    expect(record.target.versionAfterRun).toBe('1.4.2');
    expect(record.timeline.filter((e) => e.type === 'cleanup.failed')).toEqual([]);
    expect(await survivorsAfter(serve.marker)).toEqual([]);
  });

  it('refuses to start without a token (exit 2), and --insecure-no-auth beyond loopback', async () => {
    const noToken = startServe(['--port', '0', '--scenarios', scenariosDir], { ROLLBACK_DRILL_TOKEN: '' });
    expect(await noToken.exited).toBe(2);
    expect(noToken.stderr()).toContain('error: the token from ROLLBACK_DRILL_TOKEN is 0 characters long');
    const open = startServe(
      ['--port', '0', '--host', '0.0.0.0', '--insecure-no-auth', '--scenarios', scenariosDir],
      {
        ROLLBACK_DRILL_TOKEN: undefined,
      },
    );
    expect(await open.exited).toBe(2);
    expect(open.stderr()).toContain('--insecure-no-auth is only allowed on a loopback address');
  });
});
