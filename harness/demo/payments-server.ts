/**
 * The demo shop's payments dependency: POST /charge answers {"status":"charged"} after a short,
 * fixed think time. Deliberately plain node:http so it stays fast under load and has no behaviour of
 * its own; network faults are injected between the shop and it, never inside it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';

export const PAYMENTS_VERSION = 'payments-1.0.0';
export const PAYMENTS_THINK_TIME_MS = 2;

export function createPaymentsServer(clock: Clock, thinkTimeMs = PAYMENTS_THINK_TIME_MS): Server {
  const server = createServer((req, res) => {
    // Drain the body (the amount is not checked) so keep-alive connections stay usable.
    req.resume();
    req.on('end', () => route(req, res, clock, thinkTimeMs));
  });
  // Longer than any client's idle timeout, so a client never reuses a socket we are closing.
  server.keepAliveTimeout = 30_000;
  return server;
}

function route(req: IncomingMessage, res: ServerResponse, clock: Clock, thinkTimeMs: number): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'POST' && path === '/charge') {
    clock.setTimer(() => sendJson(res, 200, { status: 'charged' }), thinkTimeMs);
  } else if (req.method === 'GET' && path === '/healthz') {
    sendJson(res, 200, { status: 'ok', version: PAYMENTS_VERSION });
  } else {
    sendJson(res, 404, { error: `no route for ${req.method ?? '?'} ${path ?? '/'}` });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
