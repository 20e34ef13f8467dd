/**
 * The blue-green router in front of the demo shop: a reverse proxy on loopback that sends every
 * request to the active slot. Switching is one assignment, so it is atomic: each request goes wholly
 * to the old or wholly to the new backend. Requests already in flight finish where they started.
 * It also serves the service's server-side SLIs on the reserved path `/__router/metrics`
 * (router-metrics.ts): what a Prometheus scrapes for the `prometheus` and `alertmanager` detectors.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { NO_VERSION, ROUTER_METRICS_PATH, RouterMetrics } from './router-metrics.js';

/** A place the router can send traffic to. `port` is read per request: undefined means "not running". */
export interface RouterSlot {
  /** E.g. `blue`, `green`. */
  readonly name: string;
  readonly version: string;
  readonly port: number | undefined;
}

export interface RouterOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

export const ROUTED_TO_HEADER = 'x-routed-to';

// Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and are never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export class BlueGreenRouter {
  private readonly server: Server;
  private active: RouterSlot | undefined;
  // One keep-alive pool per slot, so switching never reuses a socket to the previous backend.
  private readonly agents = new Map<RouterSlot, Agent>();
  private readonly sockets = new Set<Socket>();
  private closed = false;
  /** Server-side SLIs, served on ROUTER_METRICS_PATH. */
  readonly metrics = new RouterMetrics();

  private constructor(
    readonly url: URL,
    server: Server,
  ) {
    this.server = server;
    server.on('request', (req, res) => this.forward(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts listening; resolves once connections are accepted. */
  static async start(options: RouterOptions = {}): Promise<BlueGreenRouter> {
    const host = options.host ?? '127.0.0.1';
    const server = createServer();
    // Clients (traffic generators) idle sockets for a few seconds; outlive them so none is cut mid-reuse.
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return new BlueGreenRouter(new URL(`http://${host}:${port}`), server);
  }

  get activeSlot(): RouterSlot | undefined {
    return this.active;
  }

  /** Sends every new request to `slot` (undefined: answer 503). Takes effect for the next request. */
  switchTo(slot: RouterSlot | undefined): void {
    if (slot) this.metrics.addVersion(slot.version);
    this.active = slot;
  }

  /** Where Prometheus scrapes the router's server-side SLIs. */
  get metricsUrl(): URL {
    return new URL(ROUTER_METRICS_PATH, this.url);
  }

  /** Drops the connection pool of a slot that will not be used again (its process was stopped). */
  forget(slot: RouterSlot): void {
    this.agents.get(slot)?.destroy();
    this.agents.delete(slot);
  }

  /** Stops listening and drops every connection, client and backend side. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.active = undefined;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    await closed;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    if ((req.url ?? '').split('?')[0] === ROUTER_METRICS_PATH) {
      void this.serveMetrics(req, res);
      return;
    }
    const slot = this.active;
    const startedMs = performance.now();
    // Counted when the response ends, by the version it was routed to; a response cut short is `aborted`.
    res.once('close', () =>
      this.metrics.observe(
        slot?.version ?? NO_VERSION,
        res.writableFinished ? res.statusCode : undefined,
        (performance.now() - startedMs) / 1000,
      ),
    );
    if (!slot) {
      sendJson(res, 503, { error: 'no release is active behind the router' });
      req.resume();
      return;
    }
    const port = slot.port;
    if (port === undefined) {
      sendJson(res, 502, { error: `backend ${slot.version} (${slot.name}) is not running` }, slot.version);
      req.resume();
      return;
    }
    const upstream = httpRequest({
      host: '127.0.0.1',
      port,
      method: req.method,
      path: req.url,
      headers: forwardedRequestHeaders(req),
      agent: this.agentFor(slot),
    });
    upstream.on('response', (upstreamRes) => {
      const headers = withoutHopByHop(upstreamRes.headers);
      headers[ROUTED_TO_HEADER] = slot.version;
      res.writeHead(upstreamRes.statusCode ?? 502, headers);
      upstreamRes.pipe(res);
      // A backend that dies mid-body: the client must see a broken response, not a short one.
      upstreamRes.on('aborted', () => res.destroy());
      upstreamRes.on('error', () => res.destroy());
    });
    upstream.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(
        res,
        502,
        { error: `backend ${slot.version} (${slot.name}) unreachable: ${error.message}` },
        slot.version,
      );
    });
    // The client gave up: stop the backend's work too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  private async serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const { contentType, body } = await this.metrics.exposition();
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private agentFor(slot: RouterSlot): Agent {
    let agent = this.agents.get(slot);
    if (!agent) {
      // `timeout` closes idle pooled sockets well before the backend's 30 s keep-alive would.
      agent = new Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo', timeout: 10_000 });
      this.agents.set(slot, agent);
    }
    return agent;
  }
}

function forwardedRequestHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  const client = req.socket.remoteAddress;
  if (client) {
    const previous = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = previous ? `${String(previous)}, ${client}` : client;
  }
  return headers;
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(HOP_BY_HOP);
  // `Connection: x, y` names more headers that belong to this hop only.
  const connection = headers.connection;
  if (connection) for (const name of connection.split(',')) named.add(name.trim().toLowerCase());
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !named.has(name)) result[name] = value;
  }
  return result;
}

function sendJson(res: ServerResponse, status: number, body: unknown, routedTo?: string): void {
  const text = JSON.stringify(body);
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  };
  if (routedTo !== undefined) headers[ROUTED_TO_HEADER] = routedTo;
  res.writeHead(status, headers);
  res.end(text);
}
