/**
 * A shortened demo-bad-release (~12 s instead of ~28 s) for drills started through the serve API.
 * Its SLOs are loose on purpose: the fault is errors on half the requests, and a shared 2-core CI
 * machine can push a healthy baseline's p95 past a few hundred ms.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function shortDemoScenario(name: string): string {
  return `apiVersion: rollback-drill/v1
kind: Drill
metadata:
  name: ${name}
  service: demo-shop
  environment: demo
  team: platform
target:
  type: embedded
  stableVersion: 1.4.2
traffic:
  type: builtin
  rate: 20
  timeout: 5s
  requests:
    - { method: GET, path: /api/products, weight: 5 }
    - { method: POST, path: /api/checkout, weight: 5, body: { cartId: demo } }
slos:
  availability: 98%
  latency:
    - { percentile: 95, threshold: 2s }
fault:
  type: release
  version: 1.5.0-errors
detection:
  type: threshold
  window: 3s
  minRequests: 10
decision:
  type: auto
  delay: 0s
phases:
  baseline: { duration: 3s }
  detection: { timeout: 30s }
  decision: { timeout: 30s }
  rollback: { timeout: 30s }
  verify: { window: 4s, sustain: 2s }
objectives:
  timeToDetect: 30s
  timeToDecide: 30s
  timeToRollback: 30s
  timeToRecover: 1m
abort:
  maxDuration: 2m
`;
}

export function writeShortDemoScenario(dir: string, name: string): void {
  writeFileSync(join(dir, `${name}.yaml`), shortDemoScenario(name));
}
