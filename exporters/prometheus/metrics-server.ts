/**
 * Serves the drill registry on /metrics while a drill runs. node:http rather than express: one
 * route does not need a framework. The body comes from sendExposition, which reuses the text of
 * every scenario that did not change since the last scrape.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { sendExposition } from './exposition.js';

export interface MetricsServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Loopback by default: exposing metrics beyond the host is an explicit choice. */
  readonly host?: string;
  readonly registry: Registry;
}

export interface MetricsServer {
  /** The full /metrics URL, e.g. http://127.0.0.1:9464/metrics. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry } = options;
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    void handle(registry, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/metrics`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps scrape connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(registry: Registry, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (path === '/metrics') {
    try {
      await sendExposition(registry, response, { head: request.method === 'HEAD' });
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`collecting metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return;
  }
  if (path === '/') {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('rollback-drill metrics: GET /metrics\n');
    return;
  }
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
}
