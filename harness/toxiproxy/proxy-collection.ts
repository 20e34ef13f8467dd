/**
 * Every proxy of one server, by name. Changes run one at a time (binding and closing listeners is
 * asynchronous, and two requests must not both create `redis` or disable a proxy mid-replacement),
 * the way Toxiproxy's collection and proxy mutexes serialise them.
 */
import { ApiError, internalError, missingField, proxyAlreadyExists, proxyNotFound } from './api-error.js';
import { Proxy, type ProxyDependencies, type ProxySettings } from './proxy.js';

export interface ProxyInput extends ProxySettings {
  readonly name: string;
}

/** What populate did: the proxies it applied, in input order, and the error that stopped it, if any. */
export interface PopulateResult {
  readonly proxies: Proxy[];
  readonly error?: ApiError;
}

export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dependencies: ProxyDependencies) {}

  list(): Proxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw proxyNotFound();
    return proxy;
  }

  /** Runs `change` after every change queued before it; errors reach the caller, not the queue. */
  exclusive<T>(change: () => T | Promise<T>): Promise<T> {
    const result = this.queue.then(change);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** POST /proxies: 409 before any bind; a failed bind stores nothing. */
  add(input: ProxyInput): Promise<Proxy> {
    return this.exclusive(async () => {
      if (this.proxies.has(input.name)) throw proxyAlreadyExists();
      const proxy = new Proxy(input.name, input.listen, input.upstream, this.dependencies);
      if (input.enabled) await startOrFail(proxy);
      this.proxies.set(input.name, proxy);
      return proxy;
    });
  }

  update(name: string, merge: (current: ProxySettings) => ProxySettings): Promise<Proxy> {
    return this.exclusive(async () => {
      const proxy = this.get(name);
      await proxy.update(merge(proxy)).catch(rethrowAsInternal);
      return proxy;
    });
  }

  remove(name: string): Promise<void> {
    return this.exclusive(async () => {
      const proxy = this.get(name);
      this.proxies.delete(name);
      await proxy.stop();
    });
  }

  /**
   * POST /populate (already validated): applies entries in order. An existing proxy with the same name,
   * listen and upstream is left alone; any other existing one is replaced (its toxics go with it).
   * Addresses compare as strings, like Toxiproxy: `localhost:3310` differs from the bound `127.0.0.1:3310`.
   * Proxies not named are kept. Not atomic: a failed bind stops here and reports what was applied.
   */
  populate(inputs: readonly ProxyInput[]): Promise<PopulateResult> {
    return this.exclusive(async () => {
      const applied: Proxy[] = [];
      for (const input of inputs) {
        const existing = this.proxies.get(input.name);
        if (existing && existing.listen === input.listen && existing.upstream === input.upstream) {
          applied.push(existing);
          continue;
        }
        await existing?.stop();
        const proxy = new Proxy(input.name, input.listen, input.upstream, this.dependencies);
        try {
          if (input.enabled) await startOrFail(proxy);
        } catch (error) {
          return { proxies: applied, error: error as ApiError };
        }
        this.proxies.set(input.name, proxy);
        applied.push(proxy);
      }
      return { proxies: applied };
    });
  }

  /** POST /reset: every proxy enabled again and stripped of its toxics; none is deleted. */
  reset(): Promise<void> {
    return this.exclusive(async () => {
      for (const proxy of this.proxies.values()) {
        await startOrFail(proxy);
        proxy.toxics.removeAll();
      }
    });
  }

  /** Stops every proxy and forgets them (server shutdown). */
  closeAll(): Promise<void> {
    return this.exclusive(async () => {
      const proxies = [...this.proxies.values()];
      this.proxies.clear();
      await Promise.all(proxies.map((proxy) => proxy.stop()));
    });
  }
}

/** Validates populate entries before anything is applied: `missing required field: name at proxy 2`. */
export function checkPopulateInputs(inputs: readonly Partial<ProxyInput>[]): void {
  inputs.forEach((input, index) => {
    if (!input.name) throw missingField(`name at proxy ${index + 1}`);
    if (!input.upstream) throw missingField(`upstream at proxy ${index + 1}`);
  });
}

async function startOrFail(proxy: Proxy): Promise<void> {
  await proxy.start().catch(rethrowAsInternal);
}

/** A bind failure is a 500 carrying the OS error text. */
function rethrowAsInternal(error: unknown): never {
  if (error instanceof ApiError) throw error;
  throw internalError(error instanceof Error ? error.message : String(error));
}
