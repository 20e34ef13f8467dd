/**
 * Whether two drills may run side by side: only when their targets cannot step on each other. Each
 * target is reduced to the things it owns — fixed loopback ports, the URL its traffic goes to, the
 * folder its commands change, the deploy API it calls — and two drills overlap when they share one.
 * The embedded demo on port 0 (the default) owns nothing fixed: each run starts its own processes.
 */
import { resolve } from 'node:path';
import type { Scenario } from '../scenario/model.js';

/** What a target owns, e.g. "router port 8080", "traffic URL https://shop.staging.example.com". */
export function targetFootprint(scenario: Scenario): string[] {
  const target = scenario.target;
  switch (target.type) {
    case 'embedded':
      return [
        ...(target.routerPort ? [`127.0.0.1:${target.routerPort} (embedded router)`] : []),
        ...(target.paymentsPort ? [`127.0.0.1:${target.paymentsPort} (embedded payments)`] : []),
      ];
    case 'command':
      return [
        `traffic URL ${new URL(target.baseUrl).origin}`,
        `working directory ${resolve(target.workingDirectory)}`,
      ];
    case 'http':
      return [
        `traffic URL ${new URL(target.baseUrl).origin}`,
        `deploy API ${originAndPath(target.deploy.url)}`,
      ];
  }
}

/** What `a` and `b` both own; empty when they can run in parallel. */
export function sharedFootprint(a: Scenario, b: Scenario): string[] {
  const mine = new Set(targetFootprint(a));
  return targetFootprint(b).filter((item) => mine.has(item));
}

function originAndPath(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url;
  }
}
