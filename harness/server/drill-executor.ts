/** The production DrillExecutor: the scenario's adapters through the registries, then the runner. */
import { createAdapters } from '../runner/adapters.js';
import { runDrill } from '../runner/run-drill.js';
import { harnessVersion } from '../version.js';
import type { DrillExecutor } from './drill-supervisor.js';

export const executeDrillInProcess: DrillExecutor = (launch) =>
  runDrill({
    scenario: launch.scenario,
    scenarioFile: launch.scenarioFile,
    adapters: createAdapters(launch.scenario),
    clock: launch.clock,
    runId: launch.runId,
    harnessVersion: harnessVersion(),
    observers: launch.observers,
    signal: launch.signal,
    log: launch.log,
    runFolder: launch.runFolder,
  });
