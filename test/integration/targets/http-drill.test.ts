/**
 * A whole drill with the `http` target against an HTTP-controlled deployment of the demo shop: the
 * deploy and rollback are API calls the controller carries out in the background, the serving version
 * is polled from its status URL. Measurements are checked against what the controller saw happen.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../harness/scenario/load.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import type { HttpStepRecord } from '../../../harness/targets/command-steps.js';
import { startHttpController, type HttpController } from './http-controller.js';
import { eventAt, eventData, runDrillHere, shortenPhases } from './drill-helpers.js';

const TOKEN = 'controller-token-5d1e0b';
const TOKEN_VARIABLE = 'ROLLBACK_DRILL_TEST_CONTROLLER_TOKEN';
let controller: HttpController;
let record: RunRecord;
let runFolder = '';

function scenarioYaml(ctl: URL, shop: URL): string {
  const auth = `{ Authorization: { fromEnv: ${TOKEN_VARIABLE}, prefix: 'Bearer ' } }`;
  return `apiVersion: rollback-drill/v1
kind: Drill
metadata: { name: http-controlled-demo, service: demo-shop, environment: test }
target:
  type: http
  stableVersion: 1.4.2
  baseUrl: ${shop.href}
  deploy: { url: ${ctl.origin}/deploy, headers: ${auth}, body: { version: '{{version}}' } }
  rollback: { url: ${ctl.origin}/rollback, headers: ${auth} }
  version: { url: ${ctl.origin}/status, jsonPointer: /version, headers: ${auth} }
  health: { url: ${new URL('/healthz', shop).href} }
  pollInterval: 200ms
traffic:
  type: builtin
  rate: 50
  requests:
    - { method: GET, path: /api/products, weight: 5 }
    - { method: GET, path: /api/products/1, weight: 3 }
    - { method: POST, path: /api/cart, weight: 1, body: { productId: 1, quantity: 2 } }
    - { method: POST, path: /api/checkout, weight: 1, body: { cartId: demo } }
slos: { availability: 99.5%, latency: [{ percentile: 95, threshold: 200ms }] }
fault: { type: release, version: 1.5.0-errors }
detection: { type: threshold, window: 5s, minRequests: 20 }
# A 3 s decision keeps the bad release serving for whole 1 s samples, so its error ratio is measured.
decision: { type: auto, delay: 3s }
`;
}

beforeAll(async () => {
  process.env[TOKEN_VARIABLE] = TOKEN;
  controller = await startHttpController(TOKEN);
  const scenario = shortenPhases(
    parseScenarioText(scenarioYaml(controller.url, controller.shopUrl), 'http-drill.yaml'),
  );
  const started = Date.now();
  const run = await runDrillHere(scenario);
  record = run.record;
  runFolder = run.folder;
  expect(Date.now() - started).toBeLessThan(90_000);
}, 120_000);

afterAll(async () => {
  Reflect.deleteProperty(process.env, TOKEN_VARIABLE);
  await controller?.close();
  if (runFolder) rmSync(runFolder, { recursive: true, force: true });
});

describe('http target against an HTTP-controlled demo deployment', () => {
  it('passes: detected, rolled back through the API, stable serving', () => {
    expect(record.result, `${record.reason}\n${record.failures.join('\n')}`).toBe('passed');
    expect(record.target).toMatchObject({ kind: 'http', versionAfterRun: '1.4.2' });
    expect(record.measurements.rollbackSucceeded).toBe(true);
    expect(controller.switches.map(([version]) => version)).toEqual(['1.5.0-errors', '1.4.2']);
  });

  it('the fault start is when the controller really switched, within the stated resolution', () => {
    const switchedAt = controller.switches[0]?.[1] ?? 0;
    const faultStart = eventAt(record, 'fault.injected');
    const observation = eventData(record, 'fault.injected').observation as { resolutionSeconds: number };
    expect(faultStart).toBeGreaterThanOrEqual(switchedAt - 5);
    expect(faultStart - switchedAt).toBeLessThanOrEqual(observation.resolutionSeconds * 1000 + 5);
    // The controller picks work up after 300 ms: the deploy call returned long before the switch.
    const [deployCall] = (eventData(record, 'fault.injected').observation as { steps: HttpStepRecord[] })
      .steps;
    expect(deployCall).toMatchObject({ method: 'POST', status: 202, ok: true });
    expect(deployCall?.url).toBe(`${controller.url.origin}/deploy`);
  });

  it('the rollback completes no earlier than the controller switched back', () => {
    const switchedBack = controller.switches[1]?.[1] ?? 0;
    const completed = eventAt(record, 'rollback.completed');
    expect(completed).toBeGreaterThanOrEqual(switchedBack - 5);
    expect(completed - switchedBack).toBeLessThan(1_500);
  });

  it('measures the release: about 6 % errors while 1.5.0-errors serves (60 % of the 1-in-10 checkouts), none after', () => {
    expect(record.windows.fault?.errorRatio ?? 0).toBeGreaterThan(0.03);
    expect(record.windows.fault?.errorRatio ?? 1).toBeLessThan(0.09);
    expect(record.windows.baseline?.errors).toBe(0);
    expect(record.windows.postRollback?.errors).toBe(0);
  });

  it('keeps no token in the record', () => {
    expect(JSON.stringify(record)).not.toContain(TOKEN);
  });
});
