/**
 * A network fault that arrives with a release: the candidate's configuration sends one of its
 * dependencies through a proxy that carries the toxic (a new service-mesh route, a new endpoint).
 * Injecting puts the proxy and toxic in place first, so the candidate's very first call is already
 * faulty, then deploys the candidate with the dependency routed through the proxy: the fault starts
 * when the candidate serves. Rolling the candidate back is the remediation — the stable release calls
 * the dependency directly — and clear() still removes the toxic and the proxy the drill created.
 */
import type { AdapterContext } from '../core/adapter-context.js';
import { UserError } from '../core/errors.js';
import type { Target } from '../targets/port.js';
import type { FaultDescription, FaultInjection } from './port.js';
import type { ToxicFault } from './toxic.js';
import { dependencyAddressOf, dependencyUrlVia } from './toxic-support.js';

export interface CarriedByRelease {
  /** The candidate version that routes the dependency through the proxy. */
  readonly version: string;
  /** The dependency it routes, e.g. `payments`. */
  readonly dependency: string;
  readonly proxyName: string;
  readonly target: Target;
}

/** Wraps a toxic fault so it arrives with `release.version` and is remediated by rolling that back. */
export function withRelease(toxic: ToxicFault, release: CarriedByRelease): ToxicFault {
  const { version, dependency, target } = release;
  // Set before the deploy is asked for: a deploy that fails half-way must still be rolled back.
  let deployRequested = false;

  return {
    kind: toxic.kind,
    remediatedByRollback: true,

    describe(): FaultDescription {
      const inner = toxic.describe();
      return {
        kind: inner.kind,
        summary: `deploy ${version}, which routes ${dependency} through proxy ${release.proxyName}: ${inner.summary}`,
        details: {
          ...inner.details,
          release: { version, stableVersion: target.stableVersion, target: target.kind },
        },
      };
    },

    prepareProxy: (ctx) => toxic.prepareProxy(ctx),
    proxyEndpoint: () => toxic.proxyEndpoint(),

    async inject(ctx: AdapterContext): Promise<FaultInjection> {
      // A target that does not know the dependency cannot route it: the candidate would deploy
      // without the fault and the drill would measure nothing. Refuse before creating anything.
      if (!dependencyAddressOf(target, dependency)) {
        throw new UserError(
          `the ${target.kind} target knows no dependency named ${dependency}, so it cannot route it ` +
            `through the proxy when it deploys ${version}. Drop fault.release and point the service at ` +
            `proxy.listen yourself, or use a target that can route ${dependency}.`,
        );
      }
      await toxic.inject(ctx);
      const endpoint = toxic.proxyEndpoint();
      if (!endpoint) throw new Error(`proxy ${release.proxyName} has no endpoint after the toxic was added`);
      const via = dependencyUrlVia(endpoint, dependencyAddressOf(target, dependency));
      ctx.log(
        `toxic: deploying ${version} with ${dependency} routed through proxy ${release.proxyName} (${via.host})`,
      );
      deployRequested = true;
      const deployed = await target.deploy(version, ctx, {
        dependencies: { [dependency]: via },
      });
      return {
        effectiveAtMs: deployed.servingAtMs,
        observation: {
          method: `toxic in place before the deploy; ${deployed.observation.method}`,
          resolutionSeconds: deployed.observation.resolutionSeconds,
        },
      };
    },

    async clear(ctx: AdapterContext): Promise<void> {
      const problems: string[] = [];
      if (deployRequested) {
        try {
          if ((await target.currentVersion(ctx)) !== target.stableVersion) await target.rollback(ctx);
          deployRequested = false;
        } catch (error) {
          problems.push(`rolling back ${version}: ${messageOf(error)}`);
        }
      }
      // Whatever the rollback did, the toxic and the proxy this drill created go.
      try {
        await toxic.clear(ctx);
      } catch (error) {
        problems.push(messageOf(error));
      }
      if (problems.length > 0) throw new Error(problems.join('; '));
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
