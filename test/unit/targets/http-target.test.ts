import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { REDACTED } from '../../../harness/core/secrets.js';
import { httpTargetConfig } from '../../../harness/scenario/schema/targets.js';
import type { StepsObservation } from '../../../harness/targets/command-steps.js';
import type { HttpCallSpec } from '../../../harness/targets/http-call.js';
import { createHttpTarget } from '../../../harness/targets/http.js';
import type { Target } from '../../../harness/targets/port.js';
import { defaultAnswers, StagingWorld, type ScriptedAnswer } from './staging-fakes.js';

const TOKEN = 'flag-service-token-91ab';
const targets: Target[] = [];
afterEach(async () => {
  for (const target of targets.splice(0)) await target.dispose();
  delete process.env.ROLLBACK_DRILL_TEST_FLAG_TOKEN;
});

function setUp(answer: (spec: HttpCallSpec, world: StagingWorld) => ScriptedAnswer | undefined) {
  process.env.ROLLBACK_DRILL_TEST_FLAG_TOKEN = TOKEN;
  const clock = new FakeClock(0);
  const world = new StagingWorld(
    clock,
    '1.4.2',
    () => ({ takesMs: 0 }),
    (spec, w) => answer(spec, w) ?? defaultAnswers(spec, w),
  );
  const config = httpTargetConfig.parse({
    type: 'http',
    stableVersion: '1.4.2',
    baseUrl: 'http://shop.test/',
    deploy: {
      url: 'http://ctl.test/apps/shop/deploy/{{version}}',
      headers: { Authorization: { fromEnv: 'ROLLBACK_DRILL_TEST_FLAG_TOKEN', prefix: 'Bearer ' } },
      body: { version: '{{version}}', from: '{{stableVersion}}' },
    },
    rollback: { url: 'http://ctl.test/apps/shop/rollback', method: 'PUT', body: 'to={{version}}' },
    version: { url: 'http://ctl.test/apps/shop/version', jsonPointer: '/version' },
    pollInterval: '500ms',
  });
  const target = createHttpTarget(config, { callHttp: world.callHttp });
  targets.push(target);
  return { clock, world, target };
}

describe('http target', () => {
  it('deploys by calling the API with the templated URL, body and a token from the environment', async () => {
    const { clock, world, target } = setUp((spec, w) => {
      if (spec.url.pathname.includes('/deploy/')) {
        w.switchAfter(1_200, '1.5.0'); // the controller takes 1.2 s to switch
        return { status: 202, body: `{"accepted":true,"echo":"${TOKEN}"}` };
      }
      return undefined;
    });
    const deploying = target.deploy('1.5.0', world.context());
    await clock.advance(2_000);
    const deployed = await deploying;
    const call = world.calls.find((c) => c.method === 'POST');
    expect(call?.url.href).toBe('http://ctl.test/apps/shop/deploy/1.5.0');
    expect(call?.headers).toEqual({ Authorization: `Bearer ${TOKEN}` });
    expect(call?.body).toEqual({
      text: '{"version":"1.5.0","from":"1.4.2"}',
      contentType: 'application/json',
    });
    // Polls every 500 ms from the deploy: 0, 500, 1 000 see 1.4.2; 1 500 sees 1.5.0.
    expect(deployed.servingAtMs).toBe(1_500);
    expect(deployed.observation.resolutionSeconds).toBe(0.5);
    const [step] = (deployed.observation as StepsObservation).steps;
    expect(step).toMatchObject({ kind: 'http', method: 'POST', status: 202, ok: true });
    expect(step?.kind === 'http' ? step.response : '').toBe(`{"accepted":true,"echo":"${REDACTED}"}`);
  });

  it('a deploy API that refuses fails the deploy with its status and answer', async () => {
    const { clock, world, target } = setUp((spec) =>
      spec.method === 'POST' ? { status: 409, body: '{"error":"another deploy is running"}' } : undefined,
    );
    const deploying = target.deploy('1.5.0', world.context());
    const outcome = expect(deploying).rejects.toThrow(
      /the deploy call POST http:\/\/ctl\.test\/apps\/shop\/deploy\/1\.5\.0 failed: HTTP 409 \(expected 2xx\); it said: \{"error":"another deploy is running"\}/,
    );
    await clock.advance(0);
    await outcome;
  });

  it('rolls back with the rollback call, then polls until the stable version serves', async () => {
    const { clock, world, target } = setUp((spec, w) => {
      if (spec.method === 'PUT') {
        w.switchAfter(700, '1.4.2');
        return { status: 200, takesMs: 300 };
      }
      return undefined;
    });
    world.serving = '1.5.0';
    const rolling = target.rollback(world.context());
    await clock.advance(3_000);
    const confirmation = await rolling;
    expect(world.calls.find((c) => c.method === 'PUT')?.body).toEqual({ text: 'to=1.4.2' });
    // The call ends at 300; checks at 300 (1.5.0) and 800 (1.4.2, switched at 700).
    expect(confirmation.completedAtMs).toBe(800);
    expect(confirmation.observation.resolutionSeconds).toBe(0.5);
  });

  it('a network failure of the rollback call is a failed rollback, not a crash', async () => {
    const { clock, world, target } = setUp((spec) =>
      spec.method === 'PUT' ? { error: 'connect ECONNREFUSED 127.0.0.1:1' } : undefined,
    );
    const rolling = target.rollback(world.context());
    const outcome = expect(rolling).rejects.toThrow(/the rollback call PUT .* failed: connect ECONNREFUSED/);
    await clock.advance(0);
    await outcome;
  });
});
