import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyRequestError } from '../../../harness/traffic/error-class.js';
import {
  createUndiciTransport,
  type HttpTransport,
  type HttpTransportSettings,
  type SentRequest,
} from '../../../harness/traffic/http-transport.js';
import { prepareRequest, type PreparedRequest } from '../../../harness/traffic/request-mix.js';
import { closedPort, respondOk, startTestServer, type TestHandler, type TestServer } from './test-server.js';

let servers: TestServer[] = [];
let transports: HttpTransport[] = [];

afterEach(async () => {
  await Promise.all(transports.map((transport) => transport.close(true)));
  await Promise.all(servers.map((server) => server.close()));
  transports = [];
  servers = [];
});

async function serve(handler: TestHandler): Promise<TestServer> {
  const server = await startTestServer(handler);
  servers.push(server);
  return server;
}

function transportTo(url: URL, settings: Partial<HttpTransportSettings> = {}): HttpTransport {
  const transport = createUndiciTransport(url, { connections: 8, timeoutMs: 5_000, ...settings });
  transports.push(transport);
  return transport;
}

type Ending = { readonly status: number } | { readonly error: unknown };

interface Sent {
  readonly handle: SentRequest;
  readonly ending: Promise<Ending>;
  /** How many times the sink was called (must end at exactly 1). */
  reports(): number;
}

function send(transport: HttpTransport, request: PreparedRequest): Sent {
  let reports = 0;
  let settle: (ending: Ending) => void = () => undefined;
  const ending = new Promise<Ending>((resolve) => (settle = resolve));
  const handle = transport.send(request, {
    onResponse: (status) => {
      reports += 1;
      settle({ status });
    },
    onFailure: (error) => {
      reports += 1;
      settle({ error });
    },
  });
  return { handle, ending, reports: () => reports };
}

const GET_ROOT = prepareRequest({ method: 'GET', path: '/', weight: 1 });

describe('the undici transport against a real HTTP server', () => {
  it('reports the real status codes, after any interim 1xx response', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/interim') response.writeProcessing();
      respondOk(response, request.url === '/missing' ? 404 : request.url === '/broken' ? 503 : 200);
    });
    const transport = transportTo(server.url);
    const paths = ['/', '/missing', '/broken', '/interim'];
    const endings = await Promise.all(
      paths.map((path) => send(transport, prepareRequest({ method: 'GET', path, weight: 1 })).ending),
    );
    expect(endings).toEqual([{ status: 200 }, { status: 404 }, { status: 503 }, { status: 200 }]);
  });

  it('sends the method, the body, the headers and the base path', async () => {
    const seen: { method?: string; url?: string; type?: string; body: string }[] = [];
    const server = await serve((request, response) => {
      const entry = {
        method: request.method,
        url: request.url,
        type: request.headers['content-type'],
        body: '',
      };
      seen.push(entry);
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (entry.body += chunk));
      request.on('end', () => respondOk(response, 201));
    });
    const transport = transportTo(new URL('shop/', server.url));
    const post = prepareRequest({ method: 'POST', path: '/api/checkout', body: { cart: [1, 2] }, weight: 1 });
    expect(await send(transport, post).ending).toEqual({ status: 201 });
    expect(seen).toEqual([
      { method: 'POST', url: '/shop/api/checkout', type: 'application/json', body: '{"cart":[1,2]}' },
    ]);
  });

  it('fails a response whose body is cut off midway, instead of reporting its status', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('only ten b');
      // Let the partial body reach the client, then drop the connection.
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const transport = transportTo(server.url);
    const sent = send(transport, GET_ROOT);
    const ending = await sent.ending;
    expect(ending).toHaveProperty('error');
    expect(classifyRequestError((ending as { error: unknown }).error)).toBe('connection_reset');
    expect(sent.reports()).toBe(1);
  });

  it('abort() fails the request with the given reason, once, whenever it comes', async () => {
    const server = await serve((_request, response) => {
      // Headers and part of the body, then nothing: the request can only end by an abort.
      response.writeHead(200, { 'content-length': '1000' });
      response.write('partial');
    });
    const transport = transportTo(server.url);

    // Mid-body.
    const midBody = send(transport, GET_ROOT);
    await vi.waitFor(() => expect(server.received()).toBe(1), { timeout: 5_000, interval: 10 });
    const reason = new Error('request timed out after 100 ms');
    midBody.handle.abort(reason);
    midBody.handle.abort(new Error('a second abort is ignored'));
    expect(((await midBody.ending) as { error: unknown }).error).toBe(reason);

    // Before the connection is even open.
    const early = send(transport, GET_ROOT);
    const earlyReason = new Error('traffic stopped');
    early.handle.abort(earlyReason);
    expect(((await early.ending) as { error: unknown }).error).toBe(earlyReason);
    expect(midBody.reports()).toBe(1);
    expect(early.reports()).toBe(1);
  });

  it('classifies a reset connection and a refused one as before', async () => {
    const server = await serve((request) => request.socket.destroy());
    const reset = await send(transportTo(server.url), GET_ROOT).ending;
    expect(classifyRequestError((reset as { error: unknown }).error)).toBe('connection_reset');

    const port = await closedPort();
    const refused = await send(transportTo(new URL(`http://127.0.0.1:${port}/`)), GET_ROOT).ending;
    expect(classifyRequestError((refused as { error: unknown }).error)).toBe('connection_refused');
  });

  it('reuses one keep-alive connection for requests one after another', async () => {
    const server = await serve((_request, response) => respondOk(response));
    const transport = transportTo(server.url);
    for (let i = 0; i < 5; i++) expect(await send(transport, GET_ROOT).ending).toEqual({ status: 200 });
    expect(await server.openConnections()).toBe(1);
  });

  it('opens a connection per concurrent request and never queues one behind another', async () => {
    const server = await serve((_request, response, self) => self.later(() => respondOk(response), 200));
    const transport = transportTo(server.url, { connections: 3 });
    const first = [send(transport, GET_ROOT), send(transport, GET_ROOT), send(transport, GET_ROOT)];
    // A fourth request while all three connections are busy fails at once rather than waiting.
    const extra = send(transport, GET_ROOT);
    const extraEnding = await extra.ending;
    expect(extraEnding).toHaveProperty('error');
    expect(String((extraEnding as { error: unknown }).error)).toMatch(/no free connection/);
    expect(await Promise.all(first.map((sent) => sent.ending))).toEqual([
      { status: 200 },
      { status: 200 },
      { status: 200 },
    ]);
    expect(server.received()).toBe(3);
    // Once they completed, a request goes out again, on a connection already open.
    expect(await send(transport, GET_ROOT).ending).toEqual({ status: 200 });
    expect(await server.openConnections()).toBe(3);
  });

  it('close(false) closes idle connections; close(true) fails what is still in flight', async () => {
    const server = await serve((request, response, self) =>
      self.later(() => respondOk(response), request.url === '/slow' ? 10_000 : 0),
    );
    const graceful = transportTo(server.url);
    expect(await send(graceful, GET_ROOT).ending).toEqual({ status: 200 });
    await graceful.close(false);
    await vi.waitFor(async () => expect(await server.openConnections()).toBe(0), {
      timeout: 5_000,
      interval: 20,
    });

    const forced = transportTo(server.url);
    const slow = send(forced, prepareRequest({ method: 'GET', path: '/slow', weight: 1 }));
    await vi.waitFor(() => expect(server.received()).toBe(2), { timeout: 5_000, interval: 10 });
    await forced.close(true);
    expect(await slow.ending).toHaveProperty('error');
    // After close, a request fails at once.
    expect(await send(forced, GET_ROOT).ending).toHaveProperty('error');
  });
});
