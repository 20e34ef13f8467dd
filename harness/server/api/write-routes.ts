/**
 * The mutating side of the API — start a drill, abort one, mark detection or decision. Every route
 * here sits behind the bearer-token check (app.ts applies it to every non-read method).
 */
import { relative } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { markRequestSchema } from '../marks.js';
import { lookUpRun } from '../run-lookup.js';
import { findScenario, loadScenarioCatalog } from '../scenario-catalog.js';
import type { ServeContext } from './context.js';
import { sendError, sendValidationError } from './http-errors.js';
import { validRunId } from './read-routes.js';

const startRequestSchema = z.strictObject({
  scenario: z
    .string({ error: 'expected scenario: the metadata.name of a scenario in the scenarios directory' })
    .min(1),
});

const abortRequestSchema = z
  .strictObject({
    by: z.string().trim().min(1).max(200).optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .default({});

export function writeRoutes(context: ServeContext): Router {
  const router = Router();

  router.post('/api/runs', async (request: Request, response: Response) => {
    const body = startRequestSchema.safeParse(request.body);
    if (!body.success) return sendValidationError(response, 'request body', body.error);
    const catalog = await loadScenarioCatalog(context.scenariosDir);
    const lookup = findScenario(catalog, body.data.scenario);
    if (!lookup.found) return sendError(response, lookup.status, lookup.error);
    const { entry } = lookup;
    const started = await context.supervisor.start(entry.scenario, entry.displayFile, 'api');
    if (!started.started) {
      if (started.reason === 'shutting-down')
        return sendError(response, 503, 'the daemon is shutting down; no new drills start');
      return sendError(
        response,
        409,
        `target busy: ${started.holder.key} is in use by run ${started.holder.runId} since ${new Date(started.holder.sinceEpochMs).toISOString()}`,
        { runId: started.holder.runId, target: started.holder.key },
      );
    }
    const { runId } = started.run;
    response
      .status(202)
      .location(`/api/runs/${runId}`)
      .json({
        runId,
        status: 'running',
        scenario: entry.name,
        links: {
          run: `/api/runs/${runId}`,
          abort: `/api/runs/${runId}/abort`,
          marks: `/api/runs/${runId}/marks`,
          report: `/api/runs/${runId}/report`,
        },
      });
  });

  router.post('/api/runs/:id/abort', async (request: Request, response: Response) => {
    const runId = validRunId(request, response);
    if (!runId) return;
    const body = abortRequestSchema.safeParse(request.body);
    if (!body.success) return sendValidationError(response, 'request body', body.error);
    const { by, reason } = body.data;
    const text = `aborted through the API${by ? ` by ${by}` : ''}${reason ? `: ${reason}` : ''}`;
    if (context.supervisor.abort(runId, text)) {
      const run = context.supervisor.get(runId);
      return void response.status(202).json({ runId, status: 'aborting', reason: run?.abortReason ?? text });
    }
    const found = await lookUpRun(context.runsDir, runId);
    if (found.status === 'missing') return sendError(response, 404, `no run ${runId}`);
    if (found.status === 'incomplete')
      return sendError(
        response,
        409,
        `run ${runId} is not running in this daemon; stop the process running it (or use rollback-drill abort)`,
      );
    return sendError(response, 409, `run ${runId} has already finished`);
  });

  router.post('/api/runs/:id/marks', async (request: Request, response: Response) => {
    const runId = validRunId(request, response);
    if (!runId) return;
    const body = markRequestSchema.safeParse(request.body);
    if (!body.success) return sendValidationError(response, 'mark', body.error);
    // A run of this daemon, or one in progress in another process (its folder exists, no run.json yet).
    let folder = context.supervisor.get(runId)?.folder;
    if (!folder) {
      const found = await lookUpRun(context.runsDir, runId);
      if (found.status === 'missing') return sendError(response, 404, `no run ${runId}`);
      if (found.status !== 'incomplete') return sendError(response, 409, `run ${runId} has already finished`);
      folder = found.folder;
    }
    const result = await context.marks.write(folder, body.data, context.clock.toEpochMs(context.clock.now()));
    if (!result.written)
      return sendError(
        response,
        409,
        `run ${runId} is already marked ${body.data.kind}; the first mark stands`,
        {
          file: relative(folder, result.existingPath),
        },
      );
    response.status(201).json({ runId, mark: result.mark, file: relative(folder, result.path) });
  });

  return router;
}
