import type { FaultConfig } from '../scenario/schema/faults.js';
import type { Target } from '../targets/port.js';
import type { Fault } from './port.js';
import { createReleaseFault } from './release.js';
import { createToxicFault } from './toxic.js';

/** One line per fault type; the `type:` field of the scenario's fault block picks it. */
export function createFault(config: FaultConfig, deps: { readonly target: Target }): Fault {
  switch (config.type) {
    case 'release':
      return createReleaseFault(config, deps.target);
    case 'toxic':
      return createToxicFault(config, { target: deps.target });
  }
}
