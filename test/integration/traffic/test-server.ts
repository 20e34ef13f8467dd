/** A real node:http server on 127.0.0.1 for the traffic integration tests; every test closes it. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  readonly url: URL;
  readonly server: Server;
  /** Requests the server received (headers parsed). */
  received(): number;
  /** Sockets open right now on the server side. */
  openConnections(): Promise<number>;
  /** Runs `fn` after `ms` unless the server is closed first (so no handler outlives a test). */
  later(fn: () => void, ms: number): void;
  close(): Promise<void>;
}

export type TestHandler = (request: IncomingMessage, response: ServerResponse, server: TestServer) => void;

export async function startTestServer(handler: TestHandler): Promise<TestServer> {
  let received = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    received += 1;
    // Read the request body so keep-alive connections stay usable.
    request.resume();
    handler(request, response, testServer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const testServer: TestServer = {
    url: new URL(`http://127.0.0.1:${port}/`),
    server,
    received: () => received,
    openConnections: () =>
      new Promise((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      ),
    later(fn, ms) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return testServer;
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function respondOk(response: ServerResponse, status = 200): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end('{"ok":true}');
}
