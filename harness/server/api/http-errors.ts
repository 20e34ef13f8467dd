/** JSON error bodies, one shape everywhere: `{ "error": "…", …details }`. */
import type { Response } from 'express';
import type { z } from 'zod';

export function sendError(response: Response, status: number, error: string, details: object = {}): void {
  response.status(status).json({ error, ...details });
}

/** 400 with each problem's field path, so a client sees every mistake at once. */
export function sendValidationError(response: Response, what: string, error: z.ZodError): void {
  sendError(response, 400, `invalid ${what}`, {
    problems: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  });
}
