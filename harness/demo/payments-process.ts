/**
 * Child entry of the payments dependency. Forked by the embedded target (see payments-launcher.ts);
 * run by hand with `npx tsx harness/demo/payments-process.ts` it prints its address instead.
 * Env: PORT (default 0: any free port).
 */
import { SystemClock } from '../core/clock.js';
import { exitWithParent, listenAndReport, portFromEnv } from './child-main.js';
import { createPaymentsServer, PAYMENTS_VERSION } from './payments-server.js';

exitWithParent();
listenAndReport(createPaymentsServer(new SystemClock()), portFromEnv(), PAYMENTS_VERSION);
