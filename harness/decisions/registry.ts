import type { DecisionConfig } from '../scenario/schema/detection.js';
import { createAutoDecision } from './auto.js';
import { createManualDecision } from './manual.js';
import { createObserveDecision } from './observe.js';
import type { DecisionMaker } from './port.js';

/** One line per decision type; the `type:` field of the scenario's decision block picks it. */
export function createDecisionMaker(config: DecisionConfig): DecisionMaker {
  switch (config.type) {
    case 'auto':
      return createAutoDecision(config);
    case 'manual':
      return createManualDecision(config);
    case 'observe':
      return createObserveDecision(config);
  }
}
