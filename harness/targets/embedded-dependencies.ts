/**
 * The embedded target's dependencies by name, as the Target port's DeployOptions and
 * `dependencyAddress` name them. The demo shop has one: `payments`.
 */
import { UserError } from '../core/errors.js';
import type { DeployOptions } from './port.js';

export const EMBEDDED_DEPENDENCIES = ['payments'] as const;

/**
 * Where a deployed version calls payments: an explicit `paymentsUrl`, else a route given in
 * `dependencies`, else `fallback` (the target's own). A dependency the demo shop does not have is
 * refused: silently ignoring it would run a drill without its fault.
 */
export function paymentsUrlForDeploy(
  options: DeployOptions & { readonly paymentsUrl?: URL },
  fallback: URL,
): URL {
  const routes = options.dependencies ?? {};
  const unknown = Object.keys(routes).filter(
    (name) => !(EMBEDDED_DEPENDENCIES as readonly string[]).includes(name),
  );
  if (unknown.length > 0) {
    throw new UserError(
      `the embedded demo shop has no dependency named ${unknown.join(', ')}; ` +
        `it has: ${EMBEDDED_DEPENDENCIES.join(', ')}`,
    );
  }
  return options.paymentsUrl ?? routes['payments'] ?? fallback;
}
