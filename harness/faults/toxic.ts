/**
 * The `toxic` fault: a Toxiproxy toxic on a proxy in front of a dependency, driven through
 * toxiproxy-node-client — against the embedded server (started here when no `toxiproxy.url` is given)
 * or against a team's own Toxiproxy. It only ever removes what this drill created: its toxic, and the
 * proxy if the proxy did not exist before. It never resets the server, which may be shared.
 */
import { Toxiproxy, type Proxy as ToxiproxyProxy, type Toxic } from 'toxiproxy-node-client';
import type { AdapterContext } from '../core/adapter-context.js';
import { abortError } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import type { ToxicFaultConfig } from '../scenario/schema/faults.js';
import { startToxiproxyServer, type ToxiproxyServer } from '../toxiproxy/server.js';
import type { Fault, FaultDescription, FaultInjection } from './port.js';
import { describeToxic, httpStatusOf, proxyEndpointOf, type ProxyEndpoint } from './toxic-support.js';

export type { ProxyEndpoint } from './toxic-support.js';

type ToxicType = Parameters<ToxiproxyProxy['addToxic']>[0]['type'];

/** How long clear() waits for a request still in flight (e.g. after an abort) before giving up on it. */
const SETTLE_TIMEOUT_MS = 10_000;

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

export function createToxicFault(config: ToxicFaultConfig): ToxicFault {
  const toxicName = config.toxic.name ?? `rollback-drill-${config.toxic.type}-${config.toxic.stream}`;
  const apiUrl = config.toxiproxy?.url.replace(/\/+$/, '');
  // Each step keeps the promise of the request itself (not of the wait for it), so clear() can learn
  // what really happened even when inject() stopped waiting because the drill was aborted.
  let serverStep: Promise<ToxiproxyServer> | undefined;
  let clientStep: Promise<Toxiproxy> | undefined;
  let proxyStep: Promise<ProxyStep> | undefined;
  let toxicStep: Promise<Toxic<unknown>> | undefined;
  let endpoint: ProxyEndpoint | undefined;

  const client = (): Promise<Toxiproxy> => {
    clientStep ??= (async () => {
      if (apiUrl) return new Toxiproxy(apiUrl);
      serverStep = startToxiproxyServer({ host: '127.0.0.1', port: 0 });
      return new Toxiproxy((await serverStep).url);
    })();
    return clientStep;
  };

  const findOrCreateProxy = async (ctx: AdapterContext): Promise<ProxyStep> => {
    const toxiproxy = await client();
    try {
      const existing = await toxiproxy.get(config.proxy.name);
      if (existing.upstream !== config.proxy.upstream) {
        ctx.log(
          `toxic: using existing proxy ${existing.name} as it is (upstream ${existing.upstream}, not ${config.proxy.upstream})`,
        );
      }
      return { proxy: existing, created: false };
    } catch (error) {
      if (httpStatusOf(error) !== 404) throw apiFailure(`looking up proxy ${config.proxy.name}`, error);
    }
    try {
      const proxy = await toxiproxy.createProxy({ ...config.proxy, enabled: true });
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
          proxy: { ...config.proxy, ...(endpoint && { listen: endpoint.listen }) },
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

/** Waits for `step` unless the drill is aborted first (the step itself carries on). */
function untilAborted<T>(step: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    step.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The step's value, undefined if it failed (so nothing to undo), or 'pending' if it never answered. */
async function settled<T>(step: Promise<T>, ctx: AdapterContext): Promise<T | undefined | 'pending'> {
  const outcome = step.then(
    (value) => ({ value }),
    () => ({ value: undefined }),
  );
  let cancel: (() => void) | undefined;
  const timeout = new Promise<'pending'>((resolve) => {
    cancel = ctx.clock.setTimer(() => resolve('pending'), SETTLE_TIMEOUT_MS);
  });
  const result = await Promise.race([outcome, timeout]);
  cancel?.();
  return result === 'pending' ? 'pending' : result.value;
}

/** Runs a DELETE; a 404 means it is already gone, which is what we wanted. Returns a problem or undefined. */
async function removeIgnoringMissing(remove: () => Promise<void>): Promise<string | undefined> {
  try {
    await remove();
    return undefined;
  } catch (error) {
    if (httpStatusOf(error) === 404) return undefined;
    return error instanceof Error ? error.message : String(error);
  }
}

function apiFailure(action: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`toxic fault: ${action} failed: ${reason}`, { cause: error });
}
