/**
 * HTTP GET for the Prometheus family's APIs (Prometheus, Alertmanager): its own connection pool,
 * a timeout on the drill's clock, an optional bearer token, a bounded answer. Every failure is an
 * ApiRequestError saying what went wrong; an abort of the caller's signal stays an abort.
 */
import { Agent, request } from 'undici';
import type { Clock } from '../core/clock.js';
import { formatDurationMs } from '../core/errors.js';

export class ApiRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export interface ApiGetterOptions {
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly bearerToken?: string;
}

export interface ApiAnswerText {
  readonly status: number;
  readonly body: string;
}

export interface ApiGetter {
  get(url: URL, signal: AbortSignal): Promise<ApiAnswerText>;
  /** Closes the connection pool, so no keep-alive socket outlives the drill. */
  close(): Promise<void>;
}

/** Bounds an answer so a misdirected URL (a big HTML page) cannot fill memory. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export function createApiGetter(options: ApiGetterOptions): ApiGetter {
  const agent = new Agent({ keepAliveTimeout: 5_000, connections: 2 });
  return {
    async get(url, signal) {
      const timeout = new AbortController();
      const cancelTimer = options.clock.setTimer(
        () => timeout.abort(new ApiRequestError(`no answer within ${formatDurationMs(options.timeoutMs)}`)),
        options.timeoutMs,
      );
      try {
        const response = await request(url, {
          method: 'GET',
          dispatcher: agent,
          signal: AbortSignal.any([signal, timeout.signal]),
          headers: {
            accept: 'application/json',
            ...(options.bearerToken ? { authorization: `Bearer ${options.bearerToken}` } : {}),
          },
        });
        return { status: response.statusCode, body: await readBounded(response.body) };
      } catch (error) {
        if (signal.aborted) throw error;
        if (timeout.signal.aborted) throw timeout.signal.reason as Error;
        if (error instanceof ApiRequestError) throw error;
        throw new ApiRequestError(
          `cannot reach ${url.origin}: ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        cancelTimer();
      }
    },
    close: () => agent.close(),
  };
}

/** `base` + `path`, keeping a path prefix such as http://host/prometheus. */
export function apiUrl(base: string, path: string): URL {
  const url = new URL(base);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL(path, url);
}

/** The bearer token named by a `bearerTokenEnv` setting, registered for redaction. */
export function bearerTokenFrom(
  envName: string | undefined,
  env: NodeJS.ProcessEnv,
  who: string,
  register: (secret: string) => void,
): { bearerToken?: string } {
  if (!envName) return {};
  const token = env[envName];
  if (!token) throw new Error(`${who}: the environment variable ${envName} (bearerTokenEnv) is not set`);
  register(token);
  return { bearerToken: token };
}

/** A password in a URL (http://user:pass@host) is a secret: registered so no record or log shows it. */
export function registerUrlSecrets(url: string, register: (secret: string) => void): void {
  const { password } = new URL(url);
  if (password) {
    register(password);
    register(decodeURIComponent(password));
  }
}

async function readBounded(body: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) throw new ApiRequestError(`answer larger than ${MAX_ANSWER_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
