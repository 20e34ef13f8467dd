/**
 * The HTTP side of the builtin generator: keep-alive connections to the target's origin, as many as
 * requests allowed in flight, so every request goes out at once (no hidden client-side queue that
 * would hide latency). Kept behind a small interface so the generator is tested with a fake one.
 *
 * Requests go through undici's low-level dispatch() with a small handler rather than request():
 * no response stream, no promise and no AbortSignal per request. With the generator's single
 * deadline timer (deadline-queue.ts), that took the generator's CPU per request at 7 000 req/s from
 * 83 to 49 µs (medians of 3 runs on the 2-core benchmark box); at 30 000 req/s the request() client
 * dropped 21 000–33 000 requests after its first second, this one 0–40.
 */
import type { Client, Dispatcher } from 'undici';
import { Connections } from './connections.js';
import type { PreparedRequest } from './request-mix.js';

/** Where a transport reports how one request ended: exactly one of the two, exactly once. */
export interface ResponseSink {
  /** The whole response arrived (body read and discarded); `status` is its final status code. */
  onResponse(status: number): void;
  /** The request failed: the underlying error, or the reason given to abort(). */
  onFailure(error: unknown): void;
}

/** A request handed to the transport. */
export interface SentRequest {
  /**
   * Gives up on the request: the sink's onFailure gets `reason` (at once or soon after) unless the
   * request already ended. Calling it again does nothing.
   */
  abort(reason: Error): void;
}

export interface HttpTransport {
  /**
   * Sends one request at once and reads the whole response body, discarding it (the connection can
   * only be reused once the body is consumed, and latency includes receiving it). A body cut off
   * midway is a failure, not a response. The sink may be called before send() returns.
   */
  send(request: PreparedRequest, sink: ResponseSink): SentRequest;
  /** Closes the connections: gracefully, or at once (failing what is still in flight) when `force`. */
  close(force: boolean): Promise<void>;
}

export interface HttpTransportSettings {
  /** Connections to open at most: the generator's maxInFlight. */
  readonly connections: number;
  /** The generator's per-request timeout; undici's own timers are set just past it as a backstop. */
  readonly timeoutMs: number;
}

export type HttpTransportFactory = (baseUrl: URL, settings: HttpTransportSettings) => HttpTransport;

// The generator's deadline decides what a timeout is; undici's timers only guard against a deadline
// that somehow never fired, so they sit a little past it.
const UNDICI_TIMER_MARGIN_MS = 1000;

export const createUndiciTransport: HttpTransportFactory = (baseUrl, settings) => {
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:')
    throw new Error(`traffic needs an http(s) base URL, got ${baseUrl.href}`);
  const connections = new Connections({
    origin: baseUrl.origin,
    limit: settings.connections,
    timeoutMs: settings.timeoutMs + UNDICI_TIMER_MARGIN_MS,
  });
  const prefix = baseUrl.pathname.replace(/\/+$/, '');
  // A mix has a handful of requests: build each one's dispatch options once (undici only reads them).
  const optionsByRequest = new WeakMap<PreparedRequest, Dispatcher.DispatchOptions>();
  const dispatchOptions = (request: PreparedRequest): Dispatcher.DispatchOptions => {
    let options = optionsByRequest.get(request);
    if (!options) {
      options = {
        path: prefix + request.path,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
      };
      optionsByRequest.set(request, options);
    }
    return options;
  };
  return {
    send(request, sink) {
      const client = connections.acquire();
      const handler = new DispatchedRequest(sink, connections, client);
      // Only when the caller has more requests outstanding than connections, or after close():
      // queueing would hide latency, so the request fails instead.
      if (!client) handler.onError(new Error('no free connection: too many requests in flight'));
      // On a synchronous failure (invalid options) undici calls onError before returning.
      else client.dispatch(dispatchOptions(request), handler);
      return handler;
    },
    close: (force) => connections.close(force),
  };
};

/**
 * undici's handler for one request. It uses the callback set undici drives natively (onConnect,
 * onHeaders, onData, onComplete, onError): a handler with the newer onRequestStart family is wrapped
 * in an adapter per request that also parses every header block into an object.
 */
class DispatchedRequest implements SentRequest, Dispatcher.DispatchHandler {
  private status = 0;
  private settled = false;
  private abortReason: Error | undefined;
  private abortDispatch: ((error?: Error) => void) | undefined;

  constructor(
    private readonly sink: ResponseSink,
    private readonly connections: Connections,
    private readonly client: Client | undefined,
  ) {}

  abort(reason: Error): void {
    if (this.settled || this.abortReason) return;
    this.abortReason = reason;
    // Not connected yet: onConnect aborts it as soon as undici hands it a connection (or the
    // connection attempt fails); either way onError follows and reports this reason.
    this.abortDispatch?.(reason);
  }

  onConnect(abort: (error?: Error) => void): void {
    if (this.abortReason) abort(this.abortReason);
    else this.abortDispatch = abort;
  }

  onHeaders(statusCode: number): boolean {
    // 1xx are interim responses; the final status follows.
    if (statusCode >= 200) this.status = statusCode;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.client) this.connections.release(this.client);
    this.sink.onResponse(this.status);
  }

  onError(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    if (this.client) this.connections.discard(this.client);
    this.sink.onFailure(this.abortReason ?? error);
  }
}
