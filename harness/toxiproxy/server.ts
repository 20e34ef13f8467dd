/**
 * The embedded Toxiproxy-compatible server: the HTTP API on one port, proxies on their own. Start it
 * in-process for a drill or a test, or standalone with `rollback-drill toxiproxy`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SystemClock, type Clock } from '../core/clock.js';
import { createApiHandler } from './api.js';
import { ApiError } from './api-error.js';
import { ProxyCollection } from './proxy-collection.js';
import { decodePopulate } from './proxy-input.js';
import type { ProxyJson } from './proxy.js';
import { createRandom } from '../core/random.js';

/** The seed used when no random source is given, so a drill replays the same toxicity draws. */
export const DEFAULT_SEED = 0x7031c;

export interface ToxiproxyServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8474, Toxiproxy's port; 0 picks a free one. */
  readonly port?: number;
  /** Random numbers in [0, 1) for toxicity draws, jitter and slicing. Default: seeded, reproducible. */
  readonly random?: () => number;
  /** Times every toxic. Default: the system clock. */
  readonly clock?: Clock;
}

/** Like a POST /populate body entry. */
export interface ProxyConfig {
  readonly name: string;
  readonly upstream: string;
  readonly listen?: string;
  readonly enabled?: boolean;
}

export interface ToxiproxyServer {
  /** e.g. `http://127.0.0.1:8474`; what toxiproxy-node-client is given. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Creates or replaces proxies like POST /populate (or toxiproxy-server -config). Rejects on any error. */
  populate(proxies: readonly ProxyConfig[]): Promise<ProxyJson[]>;
  /** Stops the API and every proxy, closing all their connections. Safe to call twice. */
  close(): Promise<void>;
}

export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  const host = options.host ?? '127.0.0.1';
  const proxies = new ProxyCollection({
    clock: options.clock ?? new SystemClock(),
    random: options.random ?? createRandom(DEFAULT_SEED),
  });
  const http = createServer(createApiHandler(proxies));
  // Toxiproxy's timeouts: a request must arrive within 15 s, an idle connection lasts 60 s.
  http.requestTimeout = 15_000;
  http.headersTimeout = 15_000;
  http.keepAliveTimeout = 60_000;
  await listen(http, host, options.port ?? 8474);
  const port = (http.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    populate: async (configs) => {
      const inputs = decodePopulate(configs);
      const result = await proxies.populate(inputs);
      if (result.error) {
        // Name the entry that failed; the HTTP API leaves that to the `proxies` list in its error body.
        const failed = inputs[result.proxies.length];
        throw new ApiError(`proxy ${failed?.name ?? '?'}: ${result.error.message}`, result.error.status);
      }
      return result.proxies.map((proxy) => proxy.toJSON());
    },
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await Promise.all([stopped, proxies.closeAll()]);
      })();
      return closing;
    },
  };
}

function listen(http: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen({ host, port }, () => {
      http.off('error', reject);
      resolve();
    });
  });
}
