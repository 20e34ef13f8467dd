/**
 * Errors the API answers with, by Toxiproxy's messages and status codes. The body is always
 * `{"error": <message>, "status": <code>}`.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Extra fields merged into the body (populate reports the proxies it created before failing). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): Record<string, unknown> {
    return { error: this.message, status: this.status, ...this.extra };
  }
}

export const badRequestBody = (detail: string): ApiError => new ApiError(`bad request body: ${detail}`, 400);
export const missingField = (field: string): ApiError =>
  new ApiError(`missing required field: ${field}`, 400);
export const proxyNotFound = (): ApiError => new ApiError('proxy not found', 404);
export const proxyAlreadyExists = (): ApiError => new ApiError('proxy already exists', 409);
export const invalidStream = (): ApiError =>
  new ApiError('stream was invalid, can be either upstream or downstream', 400);
export const invalidToxicType = (): ApiError => new ApiError('invalid toxic type', 400);
export const toxicAlreadyExists = (): ApiError => new ApiError('toxic already exists', 409);
export const toxicNotFound = (): ApiError => new ApiError('toxic not found', 404);
/** Anything Toxiproxy has no status for (a failed bind) is a 500 carrying the error text. */
export const internalError = (message: string): ApiError => new ApiError(message, 500);
