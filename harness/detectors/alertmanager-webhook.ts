/**
 * A loopback HTTP listener for Alertmanager's webhook receiver. It times each notification when
 * its request arrives (the moment the harness learns of the alert), answers at once so Alertmanager
 * never retries, and refuses anything that is not a bounded JSON POST to its path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AlertPayloadError, parseWebhookNotification, type ReceivedAlert } from './alertmanager-alerts.js';

export interface WebhookNotification {
  /** Drill-clock ms at which the request arrived. */
  readonly receivedAtMs: number;
  readonly alerts: readonly ReceivedAlert[];
}

export interface WebhookListenerOptions {
  readonly port: number;
  readonly path: string;
  /** The drill clock's now(). */
  readonly now: () => number;
  readonly onNotification: (notification: WebhookNotification) => void;
  /** A request that was refused, and why (for the progress log). */
  readonly onRefused?: (reason: string) => void;
}

export interface WebhookListener {
  readonly url: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/** Alertmanager notifications are small; a large body is not one. */
export const MAX_NOTIFICATION_BYTES = 1024 * 1024;
const HOST = '127.0.0.1';

export async function listenForWebhooks(options: WebhookListenerOptions): Promise<WebhookListener> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const receivedAtMs = options.now();
    void handle(req, res, receivedAtMs, options);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await listen(server, options.port);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${options.port}${options.path}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Alertmanager keeps its connection alive; close would otherwise wait for it.
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is in use' : error.message;
      reject(new Error(`cannot listen for Alertmanager webhooks on ${HOST}:${port}: ${why}`));
    });
    server.listen(port, HOST, () => {
      // Once listening, a server error (rare: the OS refusing accept) must not crash the drill.
      server.removeAllListeners('error');
      server.on('error', () => undefined);
      resolve();
    });
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  receivedAtMs: number,
  options: WebhookListenerOptions,
): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== options.path) return refuse(req, res, 404, `no webhook at ${path}`, options);
  if (req.method !== 'POST') return refuse(req, res, 405, `${req.method ?? '?'} is not POST`, options);
  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    return refuse(req, res, 413, error instanceof Error ? error.message : String(error), options);
  }
  let notification: ReturnType<typeof parseWebhookNotification>;
  try {
    notification = parseWebhookNotification(JSON.parse(body));
  } catch (error) {
    const why = error instanceof AlertPayloadError ? error.message : 'the body is not JSON';
    return refuse(req, res, 400, why, options);
  }
  reply(res, 200, {});
  options.onNotification({ receivedAtMs, alerts: notification.alerts });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_NOTIFICATION_BYTES) {
        reject(new Error(`body larger than ${MAX_NOTIFICATION_BYTES} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  reason: string,
  options: WebhookListenerOptions,
): void {
  req.resume();
  options.onRefused?.(`refused a webhook request (${status}): ${reason}`);
  reply(res, status, { error: reason });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
