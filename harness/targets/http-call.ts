/**
 * One HTTP call for the staging targets (a deploy API, a status URL, a health URL): a timeout on the
 * drill's clock, the answer's status and the head of its body kept (bounded). Never rejects for HTTP or
 * network failures — they are in the result — only when the drill's signal aborts.
 */
import { request, type Dispatcher } from 'undici';
import { abortError, type Clock } from '../core/clock.js';
import type { OutputTail } from './command-process.js';

/** How much of a response body is kept: the head, where a JSON answer starts. */
export const BODY_HEAD_BYTES = 64 * 1024;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpCallSpec {
  readonly url: URL;
  readonly method: HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: { readonly text: string; readonly contentType?: string };
  readonly timeoutMs: number;
}

export interface HttpCallResult {
  /** The status, when an answer came. */
  readonly status?: number;
  /** What went wrong when no (complete) answer came: refused, reset, timed out. */
  readonly error?: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** The head of the body (BODY_HEAD_BYTES), as text; totalBytes counts all of it. */
  readonly body: OutputTail;
}

export type HttpCaller = (spec: HttpCallSpec, clock: Clock, signal: AbortSignal) => Promise<HttpCallResult>;

/** Makes an HttpCaller that sends through `dispatcher` (an undici Agent the target closes). */
export function createHttpCaller(dispatcher: Dispatcher): HttpCaller {
  return async (spec, clock, signal) => {
    if (signal.aborted) throw abortError(signal);
    const startedAtMs = clock.now();
    const deadline = new AbortController();
    let timedOut = false;
    const cancelTimer = clock.setTimer(() => {
      timedOut = true;
      deadline.abort(new Error(`no answer within ${spec.timeoutMs} ms`));
    }, spec.timeoutMs);
    const headers: Record<string, string> = { ...spec.headers };
    if (spec.body?.contentType && !hasHeader(headers, 'content-type')) {
      headers['content-type'] = spec.body.contentType;
    }
    let status: number | undefined;
    const head: Buffer[] = [];
    let kept = 0;
    let totalBytes = 0;
    try {
      const response = await request(spec.url, {
        method: spec.method,
        headers,
        ...(spec.body ? { body: spec.body.text } : {}),
        dispatcher,
        signal: AbortSignal.any([signal, deadline.signal]),
      });
      status = response.statusCode;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        totalBytes += chunk.length;
        if (kept < BODY_HEAD_BYTES) {
          const part = chunk.subarray(0, BODY_HEAD_BYTES - kept);
          head.push(part);
          kept += part.length;
        }
      }
      return done();
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      const message = timedOut
        ? `no answer within ${spec.timeoutMs} ms`
        : error instanceof Error
          ? describeNetworkError(error)
          : String(error);
      return done(message);
    } finally {
      cancelTimer();
    }

    function done(error?: string): HttpCallResult {
      return {
        ...(status === undefined ? {} : { status }),
        ...(error === undefined ? {} : { error }),
        timedOut,
        durationMs: clock.now() - startedAtMs,
        body: { text: Buffer.concat(head).toString('utf8'), totalBytes },
      };
    }
  };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** "connect ECONNREFUSED 127.0.0.1:1" rather than undici's bare "fetch failed"-style wrappers. */
function describeNetworkError(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return cause.message;
  return error.message;
}

/** "HTTP 503", "connect ECONNREFUSED …": a call's outcome in a few words. */
export function describeHttpResult(result: HttpCallResult): string {
  if (result.error !== undefined)
    return result.status === undefined ? result.error : `HTTP ${result.status}: ${result.error}`;
  return `HTTP ${result.status ?? '?'}`;
}

export function isSuccessStatus(result: HttpCallResult): boolean {
  return (
    result.error === undefined && result.status !== undefined && result.status >= 200 && result.status < 300
  );
}
