/**
 * Runs a network-fault drill through the built CLI and reads back what the checks need: the run
 * record, the report, the progress log, and which processes outlived it. Shared by the
 * test/e2e/network files.
 */
import type { RunRecord } from '../../../harness/store/run-record.js';
import type { CliRun } from '../cli-process.js';
import { runDrill, type FinishedDrill } from '../drill-process.js';

export { stopRunningDrills } from '../drill-process.js';

export type NetworkDrill = FinishedDrill;

/** Runs `scenarioFile`; `during` runs alongside (a failure there stops the CLI and is rethrown). */
export function runNetworkDrill(
  scenarioFile: string,
  outDir: string,
  during?: (run: CliRun) => Promise<void>,
): Promise<NetworkDrill> {
  return runDrill(scenarioFile, outDir, [], during);
}

/** The cleanup steps of a record, e.g. `clear the fault: done`, and any that failed. */
export function cleanupSteps(record: RunRecord): { done: string[]; failed: string[] } {
  const steps = record.timeline.filter((event) => event.phase === 'cleanup');
  return {
    done: steps.filter((event) => event.type === 'cleanup.step').map((event) => event.message),
    failed: steps.filter((event) => event.type === 'cleanup.failed').map((event) => event.message),
  };
}

/**
 * Checks shared by every drill in which the fault arrives with release 1.5.0-mesh: it passed, the
 * candidate served during the fault and 1.4.2 after it, and the fault (toxic and proxy) was cleared
 * in cleanup. Returns failure messages, empty when all hold, so a test shows them all at once.
 */
export function releaseCarriedFaultProblems(drill: NetworkDrill): string[] {
  const { record, stderr } = drill;
  const problems: string[] = [];
  if (record.result !== 'passed') problems.push(`result ${record.result}: ${record.reason}`);
  if (drill.code !== 0) problems.push(`exit code ${drill.code}`);
  if (record.fault.kind !== 'toxic') problems.push(`fault kind ${record.fault.kind}`);
  if (
    !record.fault.summary.startsWith('deploy 1.5.0-mesh, which routes payments through proxy demo-payments')
  )
    problems.push(`fault summary: ${record.fault.summary}`);
  if (record.target.versionAfterRun !== '1.4.2')
    problems.push(`serving after the run: ${record.target.versionAfterRun}`);
  if (!record.measurements.rollbackSucceeded) problems.push('the rollback did not succeed');
  const { done, failed } = cleanupSteps(record);
  if (!done.includes('clear the fault: done')) problems.push(`cleanup steps: ${done.join(' | ')}`);
  if (failed.length > 0) problems.push(`failed cleanup: ${failed.join(' | ')}`);
  // The embedded Toxiproxy server lives inside the CLI: its own log says the proxy went.
  if (!stderr.includes('toxic: removed proxy demo-payments'))
    problems.push('no "removed proxy" line in the log');
  if (drill.survivors.length > 0) problems.push(`processes left: ${drill.survivors.join(', ')}`);
  return problems;
}
