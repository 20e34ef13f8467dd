/**
 * Child entry of one demo shop version. Forked by the embedded target, one process per version;
 * run by hand with `DEMO_VERSION=1.4.2 npx tsx harness/demo/shop-process.ts` it prints its address.
 * Env: DEMO_VERSION (required), PAYMENTS_URL (optional: checkout then charges there), PORT (default 0).
 */
import { createServer } from 'node:http';
import { SystemClock } from '../core/clock.js';
import { exitWithParent, listenAndReport, portFromEnv } from './child-main.js';
import { createPaymentsClient } from './payments-client.js';
import { findRelease, knownDemoVersions } from './releases.js';
import { createShopApp } from './shop-app.js';

const version = process.env.DEMO_VERSION ?? '';
const release = findRelease(version);
if (!release) {
  console.error(`DEMO_VERSION must be one of ${knownDemoVersions().join(', ')}; got "${version}"`);
  process.exit(2);
}

exitWithParent();
const clock = new SystemClock();

if (release.crashAfterMs !== undefined) {
  // The bad release dies during startup, before it ever listens: the router finds nobody home.
  clock.setTimer(() => {
    console.error(`${version}: fatal: configuration invalid, exiting (simulated crash)`);
    process.exit(1);
  }, release.crashAfterMs);
} else {
  const paymentsUrl = process.env.PAYMENTS_URL ? new URL(process.env.PAYMENTS_URL) : undefined;
  const payments = paymentsUrl ? createPaymentsClient(paymentsUrl, clock) : undefined;
  const server = createServer(createShopApp({ release, clock, ...(payments ? { payments } : {}) }));
  // Longer than the router's idle timeout, so the router never reuses a socket we are closing.
  server.keepAliveTimeout = 30_000;
  listenAndReport(server, portFromEnv(), version);
}
