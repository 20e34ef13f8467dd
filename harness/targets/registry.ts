import type { TargetConfig } from '../scenario/schema/targets.js';
import { createCommandTarget } from './command.js';
import { createEmbeddedTarget } from './embedded.js';
import { createHttpTarget } from './http.js';
import type { Target } from './port.js';

/** One line per target type; the `type:` field of the scenario's target block picks it. */
export function createTarget(config: TargetConfig): Target {
  switch (config.type) {
    case 'embedded':
      return createEmbeddedTarget(config);
    case 'command':
      return createCommandTarget(config);
    case 'http':
      return createHttpTarget(config);
  }
}
