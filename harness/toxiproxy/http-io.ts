/**
 * The HTTP plumbing of the API: reading a bounded body and writing JSON answers, with the headers
 * every Toxiproxy response carries. Kept apart from the routes so they read as the API table.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';

/** Larger request bodies are refused with 413 rather than buffered. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends ApiError {
  constructor() {
    super(`bad request body: request body larger than ${MAX_BODY_BYTES} bytes`, 413);
  }
}

/** Reads the whole body as UTF-8, refusing (without buffering) anything past MAX_BODY_BYTES. */
export function readBody(request: IncomingMessage): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        refused = true;
        chunks.length = 0;
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', (error) => {
      if (!refused) reject(error);
    });
  });
}

export interface Reply {
  readonly status: number;
  /** Serialised as JSON unless `text` is given. Absent for 204. */
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export const jsonReply = (status: number, json: unknown): Reply => ({ status, json });
export const noContent = (): Reply => ({ status: 204 });

/** An error as Toxiproxy writes it: the JSON body plus a newline (Go's http.Error). */
export function errorReply(error: ApiError, headers?: Record<string, string>): Reply {
  return {
    status: error.status,
    text: `${JSON.stringify(error)}\n`,
    contentType: 'application/json',
    headers,
  };
}

export function sendReply(response: ServerResponse, requestId: string, reply: Reply): void {
  if (response.headersSent) return;
  response.setHeader('X-Toxiproxy-Request-Id', requestId);
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
  if (reply.status === 204) {
    response.writeHead(204).end();
    return;
  }
  const body = reply.text ?? JSON.stringify(reply.json);
  response.setHeader('Content-Type', reply.contentType ?? 'application/json');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.writeHead(reply.status).end(body);
}
