/**
 * The `toxic` fault: a Toxiproxy toxic on a proxy in front of a dependency, driven through
 * toxiproxy-node-client — against the embedded server (started here when no `toxiproxy.url` is given)
 * or against a team's own Toxiproxy. It only ever removes what this drill created: its toxic, and the
 * proxy if the proxy did not exist before. It never resets the server, which may be shared.
 * With `release` in its config the toxic arrives with a candidate release (see toxic-release.ts).
 */
import { Toxiproxy, type Proxy as ToxiproxyProxy, type Toxic } from 'toxiproxy-node-client';
import type { AdapterContext } from '../core/adapter-context.js';
import { abortError } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import type { ToxicFaultConfig } from '../scenario/schema/faults.js';
import type { Target } from '../targets/port.js';
import { startToxiproxyServer, type ToxiproxyServer } from '../toxiproxy/server.js';
import type { Fault, FaultDescription, FaultInjection } from './port.js';
import { withRelease } from './toxic-release.js';
import { apiFailure, removeIgnoringMissing, settled, untilAborted } from './toxic-steps.js';
import {
  dependencyAddressOf,
  describeToxic,
  httpStatusOf,
  proxyEndpointOf,
  upstreamOf,
  type ProxyEndpoint,
} from './toxic-support.js';

export type { ProxyEndpoint } from './toxic-support.js';

type ToxicType = Parameters<ToxiproxyProxy['addToxic']>[0]['type'];

export interface ToxicFault extends Fault {
  /**
   * Finds or creates the proxy without adding the toxic, so traffic can flow through the proxy from
   * the baseline on; returns where clients should connect. Idempotent; inject() calls it too.
   */
  prepareProxy(ctx: AdapterContext): Promise<ProxyEndpoint>;
  /** Where the proxy listens, once prepared; undefined before. */
  proxyEndpoint(): ProxyEndpoint | undefined;
}

export function isToxicFault(fault: Fault): fault is ToxicFault {
  return fault.kind === 'toxic' && 'prepareProxy' in fault;
}

interface ProxyStep {
  readonly proxy: ToxiproxyProxy;
  readonly created: boolean;
}

export interface ToxicFaultDependencies {
  /**
   * The drill's target: it says where `dependency` listens (when `proxy.upstream` is left out) and
   * deploys the release a fault arrives with. Needed only for those two.
   */
  readonly target?: Target;
}

export function createToxicFault(config: ToxicFaultConfig, deps: ToxicFaultDependencies = {}): ToxicFault {
  const toxic = createPlainToxicFault(config, deps.target);
  if (!config.release) return toxic;
  if (!deps.target || config.dependency === undefined) {
    // The schema refuses a release without a dependency; the registry always passes the target.
    throw new Error('a toxic fault that arrives with a release needs the target and a dependency');
  }
  return withRelease(toxic, {
    version: config.release.version,
    dependency: config.dependency,
    proxyName: config.proxy.name,
    target: deps.target,
  });
}

/** The toxic alone: injecting adds it, clearing removes it (and the proxy, if the drill created it). */
function createPlainToxicFault(config: ToxicFaultConfig, target: Target | undefined): ToxicFault {
  const toxicName = config.toxic.name ?? `rollback-drill-${config.toxic.type}-${config.toxic.stream}`;
  const apiUrl = config.toxiproxy?.url.replace(/\/+$/, '');
  // Each step keeps the promise of the request itself (not of the wait for it), so clear() can learn
  // what really happened even when inject() stopped waiting because the drill was aborted.
  let serverStep: Promise<ToxiproxyServer> | undefined;
  let clientStep: Promise<Toxiproxy> | undefined;
  let proxyStep: Promise<ProxyStep> | undefined;
  let toxicStep: Promise<Toxic<unknown>> | undefined;
  let endpoint: ProxyEndpoint | undefined;
  // Where the proxy listened, kept after clear() so the run record says where the fault was.
  let lastListen: string | undefined;
  let resolvedUpstream: string | undefined;

  const client = (): Promise<Toxiproxy> => {
    clientStep ??= (async () => {
      if (apiUrl) return new Toxiproxy(apiUrl);
      serverStep = startToxiproxyServer({ host: '127.0.0.1', port: 0 });
      return new Toxiproxy((await serverStep).url);
    })();
    return clientStep;
  };

  // Asked at inject time, not at creation: the target knows its dependencies' addresses once prepared.
  const upstream = (): string => {
    if (config.proxy.upstream !== undefined) return config.proxy.upstream;
    const name = config.dependency ?? '';
    const address = target && dependencyAddressOf(target, name);
    if (!address) {
      throw new UserError(
        `fault.dependency is ${name}, but the ${target?.kind ?? 'drill'} target does not say where a dependency ` +
          `of that name listens; set fault.proxy.upstream to its host:port`,
      );
    }
    return upstreamOf(address);
  };

  const findOrCreateProxy = async (ctx: AdapterContext): Promise<ProxyStep> => {
    const wantedUpstream = upstream();
    resolvedUpstream = wantedUpstream;
    const toxiproxy = await client();
    try {
      const existing = await toxiproxy.get(config.proxy.name);
      if (existing.upstream !== wantedUpstream) {
        ctx.log(
          `toxic: using existing proxy ${existing.name} as it is (upstream ${existing.upstream}, not ${wantedUpstream})`,
        );
      }
      return { proxy: existing, created: false };
    } catch (error) {
      if (httpStatusOf(error) !== 404) throw apiFailure(`looking up proxy ${config.proxy.name}`, error);
    }
    try {
      const proxy = await toxiproxy.createProxy({
        name: config.proxy.name,
        listen: config.proxy.listen,
        upstream: wantedUpstream,
        enabled: true,
      });
      ctx.log(`toxic: created proxy ${proxy.name} ${proxy.listen} → ${proxy.upstream}`);
      return { proxy, created: true };
    } catch (error) {
      // Someone created it between our lookup and our create: use theirs, and leave it to them.
      if (httpStatusOf(error) === 409)
        return { proxy: await toxiproxy.get(config.proxy.name), created: false };
      throw apiFailure(`creating proxy ${config.proxy.name} (listen ${config.proxy.listen})`, error);
    }
  };

  const prepareProxy = async (ctx: AdapterContext): Promise<ProxyEndpoint> => {
    proxyStep ??= findOrCreateProxy(ctx);
    const { proxy } = await untilAborted(proxyStep, ctx.signal);
    endpoint ??= proxyEndpointOf(proxy.name, proxy.listen, apiUrl);
    lastListen = endpoint.listen;
    return endpoint;
  };

  const addToxic = async (proxy: ToxiproxyProxy): Promise<Toxic<unknown>> => {
    try {
      return await proxy.addToxic<unknown>({
        name: toxicName,
        // 'noop' is a real Toxiproxy type that the client's type list leaves out.
        type: config.toxic.type as ToxicType,
        stream: config.toxic.stream,
        toxicity: config.toxic.toxicity,
        attributes: config.toxic.attributes,
      });
    } catch (error) {
      if (httpStatusOf(error) === 409) {
        throw new UserError(
          `a toxic named ${toxicName} already exists on proxy ${proxy.name}; another drill may be running ` +
            `against this Toxiproxy. Give this drill's toxic another name (fault.toxic.name).`,
        );
      }
      throw apiFailure(`adding toxic ${toxicName} to proxy ${proxy.name}`, error);
    }
  };

  return {
    kind: 'toxic',
    // Removing the toxic (clear) is what undoes a network fault; a target rollback does not touch the proxy.
    remediatedByRollback: false,

    describe(): FaultDescription {
      return {
        kind: 'toxic',
        summary: describeToxic(config.toxic, config.proxy.name),
        details: {
          proxy: {
            ...config.proxy,
            ...(resolvedUpstream !== undefined && { upstream: resolvedUpstream }),
            ...(lastListen !== undefined && { listen: lastListen }),
          },
          ...(config.dependency === undefined ? {} : { dependency: config.dependency }),
          toxic: { ...config.toxic, name: toxicName },
          toxiproxy: apiUrl ?? 'embedded',
        },
      };
    },

    prepareProxy,

    proxyEndpoint: () => endpoint,

    async inject(ctx: AdapterContext): Promise<FaultInjection> {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      await prepareProxy(ctx);
      const { proxy } = await (proxyStep as Promise<ProxyStep>);
      if (toxicStep) throw new Error(`toxic ${toxicName} was already injected; clear it first`);
      const sentAtMs = ctx.clock.now();
      toxicStep = addToxic(proxy);
      // A failed POST created nothing, and clear() sees that through settled(); no unhandled rejection here.
      toxicStep.catch(() => undefined);
      await untilAborted(toxicStep, ctx.signal);
      const effectiveAtMs = ctx.clock.now();
      ctx.log(`toxic: ${describeToxic(config.toxic, proxy.name)} in effect`);
      return {
        effectiveAtMs,
        observation: {
          method: 'toxic accepted by the proxy API',
          // The toxic took effect somewhere between sending the POST and its answer.
          resolutionSeconds: (effectiveAtMs - sentAtMs) / 1000,
        },
      };
    },

    async clear(ctx: AdapterContext): Promise<void> {
      const problems = new Map<string, string>();
      if (toxicStep) {
        const toxic = await settled(toxicStep, ctx);
        const problem =
          toxic === 'pending'
            ? `adding toxic ${toxicName} never answered; check proxy ${config.proxy.name} by hand`
            : toxic && (await removeIgnoringMissing(() => toxic.remove()));
        if (problem) problems.set('toxic', `removing toxic ${toxicName}: ${problem}`);
        else toxicStep = undefined;
      }
      if (proxyStep) {
        const step = await settled(proxyStep, ctx);
        if (step === 'pending') problems.set('proxy', `creating proxy ${config.proxy.name} never answered`);
        else if (step?.created) {
          // Removing the proxy also removes its toxics, so this also covers a toxic removal that failed.
          const problem = await removeIgnoringMissing(() => step.proxy.remove());
          if (problem) problems.set('proxy', `removing proxy ${config.proxy.name}: ${problem}`);
          else {
            ctx.log(`toxic: removed proxy ${config.proxy.name}`);
            problems.delete('toxic');
            proxyStep = toxicStep = undefined;
          }
        } else proxyStep = undefined;
      }
      if (serverStep) {
        // The embedded server is this drill's alone: closing it leaves nothing behind whatever failed above.
        const server = await settled(serverStep, ctx);
        await (server === 'pending' ? serverStep.then((started) => started.close()) : server?.close());
        problems.clear();
        serverStep = clientStep = proxyStep = toxicStep = undefined;
      }
      if (!proxyStep) endpoint = undefined;
      if (problems.size > 0)
        throw new Error(`toxic fault not fully cleared: ${[...problems.values()].join('; ')}`);
    },
  };
}
