/**
 * The serve daemon's HTTP surface (express 5): /healthz, /metrics and the JSON API. Order matters:
 * the token check runs before any body is parsed, and bodies are small and JSON only.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { sendExposition } from '../../exporters/prometheus/exposition.js';
import type { ServeAuth } from './auth.js';
import { refuseForeignBrowsers, requireTokenForMutations } from './auth.js';
import type { ServeContext } from './api/context.js';
import { sendError } from './api/http-errors.js';
import { readRoutes } from './api/read-routes.js';
import { writeRoutes } from './api/write-routes.js';

/** Enough for any request this API takes (a scenario name, a mark with a note). */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

export interface AppOptions {
  readonly auth: ServeAuth;
  readonly bodyLimitBytes?: number;
}

export function createServeApp(context: ServeContext, options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(refuseForeignBrowsers(options.auth));
  app.use((_request: Request, response: Response, next: NextFunction) => {
    response.set({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    next();
  });

  app.get('/healthz', (_request: Request, response: Response) => {
    const shuttingDown = context.supervisor.isShuttingDown();
    response.status(shuttingDown ? 503 : 200).json({
      status: shuttingDown ? 'shutting-down' : 'ok',
      version: context.version,
      runningDrills: context.supervisor.list().length,
      uptimeSeconds: Math.round(
        (context.clock.toEpochMs(context.clock.now()) - context.startedAtEpochMs) / 1000,
      ),
    });
  });

  app.get('/metrics', async (_request: Request, response: Response) => {
    await context.refreshHistoryMetrics();
    // Reuses the text of every drill scenario unchanged since the last scrape (docs/metrics.md).
    await sendExposition(context.registry, response);
  });

  app.get('/', (_request: Request, response: Response) => {
    response.json({
      service: 'rollback-drill serve',
      docs: 'docs/serve.md',
      routes: [
        'GET /healthz',
        'GET /metrics',
        'GET /api/scenarios',
        'GET /api/runs?service=&scenario=&result=&limit=&offset=',
        'GET /api/runs/:id',
        `GET /api/runs/:id/report?format=${Object.keys(context.reports).join('|')}`,
        'POST /api/runs {scenario}',
        'POST /api/runs/:id/abort {by?, reason?}',
        'POST /api/runs/:id/marks {kind: detected|decided, by, note?}',
      ],
    });
  });

  app.use(requireTokenForMutations(options.auth));
  app.use((request: Request, response: Response, next: NextFunction) => {
    const hasBody =
      Number(request.get('content-length') ?? 0) > 0 || request.get('transfer-encoding') !== undefined;
    if (hasBody && !request.is('application/json'))
      return sendError(response, 415, 'request bodies must be JSON (Content-Type: application/json)');
    next();
  });
  app.use(express.json({ limit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, strict: true }));
  app.use(readRoutes(context));
  app.use(writeRoutes(context));

  app.use((request: Request, response: Response) => {
    sendError(response, 404, `no route ${request.method} ${request.path}`);
  });
  // Four parameters: this is how express recognises an error handler.
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const status = httpStatusOf(error);
    if (status === 413)
      return sendError(
        response,
        413,
        `request body too large (limit ${options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES} bytes)`,
      );
    if (status !== undefined && status >= 400 && status < 500)
      return sendError(response, status, error instanceof Error ? error.message : 'bad request');
    sendError(response, 500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
  });
  return app;
}

/** body-parser's errors carry the status they mean (400 bad JSON, 413 too large, 415 charset). */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}
