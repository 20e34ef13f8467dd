/**
 * Shared setup of the HTTP conformance tests: a fresh embedded server and echo upstream per test,
 * raw-fetch calls against it, and everything stopped after each test.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/server.js';
import { Cleanup, api, startEchoServer, startToxiproxy, type TcpServer } from './helpers.js';

export interface ApiFixture {
  readonly cleanup: Cleanup;
  readonly server: ToxiproxyServer;
  readonly upstream: TcpServer;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): ReturnType<typeof api>;
  /** Creates a proxy to the echo upstream on 127.0.0.1:0 and checks the 201. */
  createProxy(
    name: string,
    extra?: Record<string, unknown>,
  ): Promise<{ name: string; listen: string; upstream: string; enabled: boolean }>;
}

/** Registers beforeEach/afterEach hooks; the returned object is valid inside tests. */
export function useApiFixture(): ApiFixture {
  let cleanup: Cleanup;
  let server: ToxiproxyServer;
  let upstream: TcpServer;
  beforeEach(async () => {
    cleanup = new Cleanup();
    server = await startToxiproxy(cleanup);
    upstream = await startEchoServer(cleanup);
  });
  afterEach(() => cleanup.run());
  const fixture: ApiFixture = {
    get cleanup() {
      return cleanup;
    },
    get server() {
      return server;
    },
    get upstream() {
      return upstream;
    },
    call: (method, path, body, headers) => api(server.url, method, path, body, headers),
    createProxy: async (name, extra = {}) => {
      const response = await api(server.url, 'POST', '/proxies', {
        name,
        listen: '127.0.0.1:0',
        upstream: upstream.address,
        ...extra,
      });
      expect(response.status).toBe(201);
      return response.json as { name: string; listen: string; upstream: string; enabled: boolean };
    },
  };
  return fixture;
}
