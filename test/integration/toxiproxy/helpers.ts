/**
 * Loopback servers and clients for the embedded Toxiproxy tests. Everything started here is
 * registered with a Cleanup so a test's afterEach stops it.
 */
import { readdirSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  startToxiproxyServer,
  type ToxiproxyServer,
  type ToxiproxyServerOptions,
} from '../../../harness/toxiproxy/server.js';

export class Cleanup {
  private readonly steps: (() => Promise<void> | void)[] = [];

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const steps = this.steps.splice(0).reverse();
    for (const step of steps) await step();
  }
}

export interface TcpServer {
  readonly server: Server;
  readonly port: number;
  readonly address: string;
  /** Sockets the server accepted and still holds. */
  readonly sockets: Set<Socket>;
}

/** A TCP server (default 127.0.0.1:0) running `handler` per connection; closed (with its sockets) by cleanup. */
export async function startTcpServer(
  cleanup: Cleanup,
  handler: (socket: Socket) => void,
  at: { host: string; port: number } = { host: '127.0.0.1', port: 0 },
): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    handler(socket);
  });
  await new Promise<void>((resolve) => server.listen(at.port, at.host, resolve));
  const port = (server.address() as AddressInfo).port;
  cleanup.add(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { server, port, address: `127.0.0.1:${port}`, sockets };
}

/** Echoes every byte back; ends its side when the client ends. */
export function startEchoServer(cleanup: Cleanup): Promise<TcpServer> {
  return startTcpServer(cleanup, (socket) => {
    socket.on('data', (data) => socket.write(data));
    socket.on('end', () => socket.end());
  });
}

export async function startToxiproxy(
  cleanup: Cleanup,
  options: ToxiproxyServerOptions = {},
): Promise<ToxiproxyServer> {
  const server = await startToxiproxyServer({ host: '127.0.0.1', port: 0, ...options });
  cleanup.add(() => server.close());
  return server;
}

/** A free port on 127.0.0.1 (bound and released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Connects to `host:port`; the socket is destroyed by cleanup. */
export async function connectTo(cleanup: Cleanup, address: string): Promise<Socket> {
  const colon = address.lastIndexOf(':');
  const socket = connect({
    host: address.slice(0, colon),
    port: Number(address.slice(colon + 1)),
    allowHalfOpen: true,
  });
  socket.on('error', () => undefined);
  cleanup.add(() => void socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Resolves with the first chunk a socket receives (or rejects on timeout). */
export function nextData(socket: Socket, timeoutMs = 5_000): Promise<Buffer> {
  return withTimeout(
    new Promise<Buffer>((resolve) => socket.once('data', resolve)),
    timeoutMs,
    'no data received',
  );
}

/** Collects everything until the socket ends or closes. */
export function readAll(
  socket: Socket,
  timeoutMs = 10_000,
): Promise<{ data: Buffer; chunks: number; endedAt: number }> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return withTimeout(
    new Promise((resolve) => {
      const done = (): void =>
        resolve({ data: Buffer.concat(chunks), chunks: chunks.length, endedAt: performance.now() });
      socket.once('end', done);
      socket.once('close', done);
    }),
    timeoutMs,
    'socket did not end',
  );
}

/**
 * Resolves when the peer closed the connection: the socket ended (FIN; test sockets are half-open, so
 * they do not close by themselves) or closed (RST, destroyed). `errorCode` is set after an error.
 */
export function closed(socket: Socket, timeoutMs = 10_000): Promise<{ errorCode?: string; at: number }> {
  let errorCode: string | undefined;
  socket.on('error', (error: NodeJS.ErrnoException) => (errorCode ??= error.code));
  return withTimeout(
    new Promise((resolve) => {
      const done = (): void => resolve({ ...(errorCode && { errorCode }), at: performance.now() });
      if (socket.destroyed || socket.readableEnded) done();
      socket.once('end', done);
      socket.once('close', done);
    }),
    timeoutMs,
    'socket did not close',
  );
}

/** Round trip of one small message over an echo connection, in ms. */
export async function roundTripMs(socket: Socket, payload = 'ping'): Promise<number> {
  const started = performance.now();
  const received = nextData(socket);
  socket.write(payload);
  await received;
  return performance.now() - started;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Open file descriptors of this process. */
export function openFileDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Polls `check` until it is true or `timeoutMs` passes (for effects that settle over the event loop). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  stepMs = 20,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A raw HTTP call to the API; the body is sent as given (string) or as JSON. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
