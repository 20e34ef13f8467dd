/**
 * Child process for the "CLI exits right after the drill" test: runs a short simulated drill with
 * the OTel exporter, calls shutdown() and exits at once. argv[2] = OTLP base URL; argv[3] =
 * `no-wait` to not even await runFinished (a runner whose observer bound expired).
 * Prints the record's exports.otel as one JSON line.
 */
import type { DrillObserver } from '../../../harness/runner/observer.js';
import { createExporters } from '../../../exporters/index.js';
import { runSimulatedDrill } from '../simulated-drill.js';

const endpoint = process.argv[2];
const noWait = process.argv[3] === 'no-wait';
if (!endpoint) {
  console.error('usage: otel-drill-then-exit.ts OTLP_URL [no-wait]');
  process.exit(2);
}

const exporters = createExporters({ otel: { endpoint, protocol: 'http/json' }, env: {} });
const observers: DrillObserver[] = noWait
  ? exporters.observers.map((o) => ({
      runStarted: (info) => o.runStarted?.(info),
      event: (event) => o.event?.(event),
      runFinished: (record) => {
        void o.runFinished?.(record);
      },
    }))
  : exporters.observers;

const record = await runSimulatedDrill({ observers, phaseMs: 20, runId: 'child-run' });
await exporters.shutdown();
console.log(
  JSON.stringify({
    traceId: (record.exports['otel'] as { traceId?: string } | undefined)?.traceId ?? null,
    otel: record.exports['otel'] ?? null,
  }),
);
process.exit(0);
