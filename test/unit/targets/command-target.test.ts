import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { REDACTED } from '../../../harness/core/secrets.js';
import { commandTargetConfig } from '../../../harness/scenario/schema/targets.js';
import { createCommandTarget } from '../../../harness/targets/command.js';
import { STEPS_FILE, type StepsObservation } from '../../../harness/targets/command-steps.js';
import type { Target } from '../../../harness/targets/port.js';
import { StagingWorld, type ScriptedProcess } from './staging-fakes.js';
import type { ProcessSpec } from '../../../harness/targets/command-process.js';

const folders: string[] = [];
const targets: Target[] = [];
afterEach(async () => {
  for (const target of targets.splice(0)) await target.dispose();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function config(overrides: Record<string, unknown> = {}) {
  return commandTargetConfig.parse({
    type: 'command',
    stableVersion: '1.4.2',
    baseUrl: 'http://shop.staging.test/',
    workingDirectory: '/tmp',
    deploy: [{ argv: ['deploy-tool', 'set-image', 'shop={{version}}'] }],
    rollback: [
      { argv: ['deploy-tool', 'undo', '--to', '{{stableVersion}}', '--from', '{{candidateVersion}}'] },
      { argv: ['deploy-tool', 'wait'] },
    ],
    version: { url: 'http://shop.staging.test/version', jsonPointer: '/version' },
    health: { url: 'http://shop.staging.test/healthz' },
    pollInterval: '1s',
    waitTimeout: '1m',
    ...overrides,
  });
}

function setUp(script: (spec: ProcessSpec, world: StagingWorld) => ScriptedProcess, overrides = {}) {
  const clock = new FakeClock(10_000);
  const world: StagingWorld = new StagingWorld(clock, '1.4.2', (spec) => script(spec, world));
  const target = createCommandTarget(config(overrides), {
    runProcess: world.runProcess,
    callHttp: world.callHttp,
  });
  targets.push(target);
  return { clock, world, target };
}

describe('command target', () => {
  it('prepare: resolves once the stable version serves, and gives the traffic URL', async () => {
    const { world, target } = setUp(() => ({ takesMs: 0 }));
    const prepared = await target.prepare(world.context());
    expect(prepared.baseUrl.href).toBe('http://shop.staging.test/');
  });

  it('prepare: refuses at once when another version serves', async () => {
    const { world, target } = setUp(() => ({ takesMs: 0 }));
    world.serving = '1.5.0';
    await expect(target.prepare(world.context())).rejects.toThrow(
      /serves 1\.5\.0, not the stable version 1\.4\.2/,
    );
    expect(world.versionReads).toBe(1);
  });

  it('deploy: polls from the start of the deploy; the fault starts at the first poll that sees the candidate', async () => {
    // The deploy command runs 5 s (like `kubectl rollout status`); the candidate serves 1.5 s in.
    const { clock, world, target } = setUp((spec, w) =>
      spec.argv[1] === 'set-image'
        ? { takesMs: 5_000, stdout: 'image updated', onStart: () => w.switchAfter(1_500, '1.5.0') }
        : { takesMs: 0 },
    );
    const deploying = target.deploy('1.5.0', world.context());
    await clock.advance(6_000);
    const deployed = await deploying;
    // Polls at 10 000 (1.4.2), 11 000 (1.4.2), 12 000 (1.5.0): seen at 12 000, changed in (11 000, 12 000].
    expect(deployed.servingAtMs).toBe(12_000);
    expect(deployed.observation.resolutionSeconds).toBe(1);
    expect(deployed.observation.method).toMatch(
      /GET http:\/\/shop\.staging\.test\/version polled every 1s from the start of the deploy; 1\.5\.0 first seen on check 3/,
    );
    const steps = (deployed.observation as StepsObservation).steps;
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({
      kind: 'command',
      action: 'deploy',
      ok: true,
      exitCode: 0,
      stdout: 'image updated',
    });
    expect(world.processes[0]?.argv).toEqual(['deploy-tool', 'set-image', 'shop=1.5.0']);
    expect(world.processes[0]?.env.ROLLBACK_DRILL_ACTION).toBe('deploy');
    expect(world.processes[0]?.cwd).toBe('/tmp');
  });

  it('deploy: a failing command fails the deploy with what it printed, and stops the polling', async () => {
    const { clock, world, target } = setUp(() => ({
      takesMs: 2_000,
      exitCode: 1,
      stderr: 'error: image shop:1.5.0 not found',
    }));
    const deploying = target.deploy('1.5.0', world.context());
    const outcome = expect(deploying).rejects.toThrow(
      /the deploy command failed: exit code 1; it said: error: image shop:1\.5\.0 not found/,
    );
    await clock.advance(2_000);
    await outcome;
    const readsAtFailure = world.versionReads;
    await clock.advance(5_000);
    expect(world.versionReads).toBe(readsAtFailure);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('deploy: commands that succeed while the candidate never serves end in a clear timeout', async () => {
    const { clock, world, target } = setUp(() => ({ takesMs: 100 }), { waitTimeout: '5s' });
    const deploying = target.deploy('1.5.0', world.context());
    const outcome = expect(deploying).rejects.toThrow(
      /gave up waiting for 1\.5\.0 to serve after 5s \(6 checks; last seen: 1\.4\.2\)/,
    );
    await clock.advance(6_000);
    await outcome;
  });

  it('rollback: runs every step in order, then polls version and health until the stable version is healthy', async () => {
    const { clock, world, target } = setUp((spec, w) => {
      if (spec.argv[1] === 'set-image') return { takesMs: 0, onStart: () => (w.serving = '1.5.0') };
      if (spec.argv[1] === 'undo')
        return {
          takesMs: 1_000,
          onStart: () => {
            w.serving = '1.4.2';
            w.healthy = false;
          },
        };
      // `wait` returns before the pods are ready: health passes 1.5 s after it ends.
      return { takesMs: 2_000, onStart: () => clock.setTimer(() => (w.healthy = true), 3_500) };
    });
    const deploying = target.deploy('1.5.0', world.context());
    await clock.advance(1_000);
    await deploying;
    const rollbackStartMs = clock.now();
    const rolling = target.rollback(world.context());
    await clock.advance(10_000);
    const confirmation = await rolling;
    expect(world.processes.map((p) => p.argv.join(' '))).toEqual([
      'deploy-tool set-image shop=1.5.0',
      'deploy-tool undo --to 1.4.2 --from 1.5.0',
      'deploy-tool wait',
    ]);
    expect(confirmation.version).toBe('1.4.2');
    // Health turns good at +4 500 (wait starts at +1 000, pods ready 3.5 s later); the steps end at +3 000,
    // so checks run at +3 000 and +4 000 (unhealthy) and +5 000 (healthy): changed in (+4 000, +5 000].
    expect(confirmation.completedAtMs - rollbackStartMs).toBe(5_000);
    expect(confirmation.observation.resolutionSeconds).toBe(1);
    expect((confirmation.observation as StepsObservation).steps.map((s) => s.step)).toEqual([1, 2]);
    expect(world.processes[1]?.env.ROLLBACK_DRILL_VERSION).toBe('1.4.2');
  });

  it('rollback: completion is never before the rollback steps ended, even when stable already served', async () => {
    const { clock, world, target } = setUp(() => ({ takesMs: 4_000 }));
    const rolling = target.rollback(world.context());
    await clock.advance(8_000 + 4_000);
    const confirmation = await rolling;
    expect(confirmation.completedAtMs).toBe(10_000 + 8_000);
    expect(confirmation.observation.resolutionSeconds).toBe(0);
  });

  it('redacts secrets from the output it keeps and appends every step to the run folder', async () => {
    const token = 'tok-7f3a9c-very-secret';
    process.env.ROLLBACK_DRILL_TEST_TOKEN = token;
    try {
      const folder = mkdtempSync(join(tmpdir(), 'command-target-'));
      folders.push(folder);
      const { clock, world, target } = setUp(
        (_spec, w) => ({ takesMs: 0, stdout: `using token ${token}`, onStart: () => (w.serving = '1.5.0') }),
        { env: { TOKEN: { fromEnv: 'ROLLBACK_DRILL_TEST_TOKEN' } } },
      );
      const deploying = target.deploy('1.5.0', world.context(undefined, { id: 'run-1', folder }));
      await clock.advance(1_000);
      const deployed = await deploying;
      expect(world.processes[0]?.env.TOKEN).toBe(token);
      const steps = (deployed.observation as StepsObservation).steps;
      expect(JSON.stringify(steps)).not.toContain(token);
      expect(steps[0]).toMatchObject({ stdout: `using token ${REDACTED}` });
      const lines = readFileSync(join(folder, STEPS_FILE), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(REDACTED);
      expect(lines[0]).not.toContain(token);
      expect(world.logs.join('\n')).toMatch(/deploy 1\/1: deploy-tool set-image shop=1\.5\.0 → exit 0/);
    } finally {
      delete process.env.ROLLBACK_DRILL_TEST_TOKEN;
    }
  });

  it('a missing environment variable stops the target from being created', () => {
    expect(() =>
      createCommandTarget(config({ env: { TOKEN: { fromEnv: 'ROLLBACK_DRILL_SURELY_UNSET' } } })),
    ).toThrow(/target\.env\.TOKEN: environment variable ROLLBACK_DRILL_SURELY_UNSET is not set/);
  });

  it('dispose aborts a command still running', async () => {
    let sawAbort = false;
    const { world, target } = setUp(() => ({ takesMs: 60_000 }));
    const deploying = target.deploy('1.5.0', world.context());
    const settled = deploying.catch((error: unknown) => {
      sawAbort = error instanceof Error && /disposed/.test(error.message);
    });
    await target.dispose();
    await settled;
    expect(sawAbort).toBe(true);
  });

  it('health and currentVersion read the system without changing it', async () => {
    const { world, target } = setUp(() => ({ takesMs: 0 }));
    world.healthy = false;
    expect(await target.currentVersion(world.context())).toBe('1.4.2');
    expect(await target.health(world.context())).toEqual({
      healthy: false,
      version: '1.4.2',
      detail: 'HTTP 503',
    });
    expect(world.processes).toHaveLength(0);
  });

  it('reads the version from a command (regex) and health from an exit code', async () => {
    const { world, target } = setUp(
      (spec, w) => {
        if (spec.argv[0] === 'kubectl')
          return { takesMs: 0, stdout: `registry.example.com/shop:${w.serving}\n` };
        if (spec.argv[0] === 'probe-health')
          return { takesMs: 0, exitCode: w.healthy ? 0 : 3, stderr: 'pods not ready' };
        return { takesMs: 0 };
      },
      {
        version: {
          command: {
            argv: [
              'kubectl',
              'get',
              'deploy/shop',
              '-o',
              'jsonpath={.spec.template.spec.containers[0].image}',
            ],
          },
          regex: ':([^:]+)$',
        },
        health: { command: { argv: ['probe-health', '--for', '{{version}}'] } },
      },
    );
    expect(await target.currentVersion(world.context())).toBe('1.4.2');
    world.healthy = false;
    expect(await target.health(world.context())).toEqual({
      healthy: false,
      version: '1.4.2',
      detail: 'exit 3: pods not ready',
    });
    const healthCheck = world.processes.find((p) => p.argv[0] === 'probe-health');
    expect(healthCheck?.argv).toEqual(['probe-health', '--for', '1.4.2']);
    expect(healthCheck?.env.ROLLBACK_DRILL_ACTION).toBe('health');
    expect(world.calls).toHaveLength(0);
  });
});
