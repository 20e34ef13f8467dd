/**
 * Maps what went wrong with a request to the ErrorClass the SLIs count. Pure, so the mapping is
 * tested on the error shapes Node and undici really produce without opening sockets.
 */
import type { ErrorClass } from './sli.js';

const CLASS_BY_CODE: Readonly<Record<string, ErrorClass>> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  // undici: "other side closed" and friends — the peer closed the socket under the request.
  UND_ERR_SOCKET: 'connection_reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
};

// Causes nest (undici wraps socket errors, happy-eyeballs connects raise AggregateError); a small
// bound keeps a pathological cause cycle from looping.
const MAX_CAUSE_DEPTH = 6;

/** The class of a status code: 5xx is the server's failure; 4xx is the client's and not an error. */
export function classifyStatus(status: number): ErrorClass | undefined {
  return status >= 500 ? 'http_5xx' : undefined;
}

/** The class of a request that failed without a response. */
export function classifyRequestError(error: unknown): ErrorClass {
  return findClass(error, 0) ?? 'other';
}

function findClass(error: unknown, depth: number): ErrorClass | undefined {
  if (depth > MAX_CAUSE_DEPTH || typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    const byCode = CLASS_BY_CODE[code];
    if (byCode) return byCode;
  }
  if (error instanceof AggregateError) {
    for (const inner of error.errors as unknown[]) {
      const innerClass = findClass(inner, depth + 1);
      if (innerClass) return innerClass;
    }
  }
  return findClass((error as { cause?: unknown }).cause, depth + 1);
}
