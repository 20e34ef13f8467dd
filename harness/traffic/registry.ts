import type { TrafficConfig } from '../scenario/schema/traffic.js';
import { createBuiltinTraffic } from './builtin.js';
import type { TrafficGenerator } from './port.js';

/** One line per traffic type; the `type:` field of the scenario's traffic block picks it. */
export function createTraffic(config: TrafficConfig): TrafficGenerator {
  switch (config.type) {
    case 'builtin':
      return createBuiltinTraffic(config);
  }
}
