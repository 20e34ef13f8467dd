/** Builds a drill's adapters from its scenario, through each port's registry. */
import { createDecisionMaker } from '../decisions/registry.js';
import { createDetector } from '../detectors/registry.js';
import { createFault } from '../faults/registry.js';
import type { Scenario } from '../scenario/model.js';
import { createTarget } from '../targets/registry.js';
import { createTraffic } from '../traffic/registry.js';
import type { DrillAdapters } from './run-drill.js';

export function createAdapters(scenario: Scenario): DrillAdapters {
  const target = createTarget(scenario.target);
  return {
    target,
    fault: createFault(scenario.fault, { target }),
    traffic: createTraffic(scenario.traffic, {
      slos: scenario.slos,
      scenarioName: scenario.metadata.name,
      maxDurationMs: scenario.abort.maxDuration,
    }),
    detector: createDetector(scenario.detection),
    decision: createDecisionMaker(scenario.decision),
  };
}
