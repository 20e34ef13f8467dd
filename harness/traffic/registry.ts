import type { Slos } from '../scenario/model.js';
import type { TrafficConfig } from '../scenario/schema/traffic.js';
import { createBuiltinTraffic } from './builtin.js';
import { createK6Traffic } from './k6.js';
import type { TrafficGenerator } from './port.js';

/** What some generators take from the rest of the scenario (k6: thresholds from the SLOs, a duration). */
export interface TrafficContext {
  readonly slos?: Slos;
  readonly scenarioName?: string;
  readonly maxDurationMs?: number;
}

/** One line per traffic type; the `type:` field of the scenario's traffic block picks it. */
export function createTraffic(config: TrafficConfig, context: TrafficContext = {}): TrafficGenerator {
  switch (config.type) {
    case 'builtin':
      return createBuiltinTraffic(config);
    case 'k6':
      return createK6Traffic(config, context);
  }
}
