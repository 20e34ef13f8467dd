/**
 * The read side of the API: scenarios, runs (running ones from the supervisor, finished ones from
 * the run history), one run, and its report. Open without a token (see auth.ts).
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { scanRunsDir, type RunSummary } from '../../store/history.js';
import { runResultSchema } from '../../store/run-record.js';
import type { ActiveRun } from '../drill-supervisor.js';
import { DEFAULT_REPORT_FORMAT } from '../reports.js';
import { isRunId } from '../run-id.js';
import { lookUpRun } from '../run-lookup.js';
import { loadScenarioCatalog } from '../scenario-catalog.js';
import type { ServeContext } from './context.js';
import { sendError, sendValidationError } from './http-errors.js';

export const MAX_PAGE_SIZE = 500;

const runsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  service: z.string().min(1).optional(),
  scenario: z.string().min(1).optional(),
  result: z.enum(['running', ...runResultSchema.options]).optional(),
});

export type RunListItem =
  | (Omit<RunSummary, 'folder'> & { readonly status: RunSummary['result'] })
  | {
      readonly status: 'running';
      readonly runId: string;
      readonly scenario: string;
      readonly service: string;
      readonly environment: string;
      readonly startedAt: string;
      readonly phase: string | null;
      readonly origin: string;
      readonly abortRequested: string | null;
    };

export function runningItem(run: ActiveRun): RunListItem {
  return {
    status: 'running',
    runId: run.runId,
    scenario: run.scenario,
    service: run.service,
    environment: run.environment,
    startedAt: run.startedAt,
    phase: run.phase,
    origin: run.origin,
    abortRequested: run.abortReason,
  };
}

export function readRoutes(context: ServeContext): Router {
  const router = Router();

  router.get('/api/scenarios', async (_request: Request, response: Response) => {
    const catalog = await loadScenarioCatalog(context.scenariosDir);
    const jobs = context.scheduledJobs();
    response.json({
      dir: catalog.dir,
      scenarios: catalog.entries.map(({ name, fileName, scenario }) => ({
        name,
        file: fileName,
        service: scenario.metadata.service,
        environment: scenario.metadata.environment,
        team: scenario.metadata.team,
        description: scenario.metadata.description ?? null,
        target: scenario.target.type,
        fault: scenario.fault.type,
        busyWith: context.supervisor.holderOf(scenario)?.runId ?? null,
        schedules: jobs
          .filter((job) => job.spec.scenario === name)
          .map((job) => ({
            cron: job.spec.cron,
            timezone: job.spec.timezone ?? null,
            nextRunAt: job.nextRunAt(),
          })),
      })),
      problems: catalog.problems,
    });
  });

  router.get('/api/runs', async (request: Request, response: Response) => {
    const query = runsQuerySchema.safeParse(request.query);
    if (!query.success) return sendValidationError(response, 'query', query.error);
    const { limit, offset, service, scenario, result } = query.data;
    const running = context.supervisor.list();
    const runningIds = new Set(running.map((run) => run.runId));
    const scan = await scanRunsDir(context.runsDir);
    const finished: RunListItem[] = scan.runs
      .filter((run) => !runningIds.has(run.runId))
      .map(({ folder: _folder, ...summary }) => ({ ...summary, status: summary.result }));
    const all = [...running.map(runningItem), ...finished]
      .filter(
        (item) =>
          (service === undefined || item.service === service) &&
          (scenario === undefined || item.scenario === scenario) &&
          (result === undefined || item.status === result),
      )
      // Newest first; run ids start with their UTC start time, so they break ties in time order.
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
    const page = all.slice(offset, offset + limit);
    const nextOffset = offset + page.length < all.length ? offset + page.length : null;
    response.json({
      total: all.length,
      offset,
      limit,
      nextOffset,
      runs: page,
      unreadableRecords: scan.unreadable.length,
    });
  });

  router.get('/api/runs/:id', async (request: Request, response: Response) => {
    const runId = validRunId(request, response);
    if (!runId) return;
    const active = context.supervisor.get(runId);
    if (active) return void response.json({ runId, status: 'running', run: runningItem(active) });
    const found = await lookUpRun(context.runsDir, runId);
    switch (found.status) {
      case 'finished':
        return void response.json({
          runId,
          status: 'finished',
          result: found.record.result,
          record: found.record,
        });
      case 'incomplete':
        return void response.json({
          runId,
          status: 'incomplete',
          note: 'the run folder has no run.json yet: it runs in another process, or it crashed (see rollback-drill recover)',
        });
      case 'unreadable':
        return sendError(response, 500, `the record of run ${runId} cannot be read: ${found.problem}`);
      case 'missing':
        return sendError(response, 404, `no run ${runId}`);
    }
  });

  router.get('/api/runs/:id/report', async (request: Request, response: Response) => {
    const runId = validRunId(request, response);
    if (!runId) return;
    const format =
      typeof request.query['format'] === 'string' ? request.query['format'] : DEFAULT_REPORT_FORMAT;
    const renderer = Object.hasOwn(context.reports, format) ? context.reports[format] : undefined;
    if (!renderer)
      return sendError(response, 400, `unknown report format "${format}"`, {
        formats: Object.keys(context.reports),
      });
    if (context.supervisor.get(runId))
      return sendError(response, 409, `run ${runId} is still running; its report is written when it ends`);
    const found = await lookUpRun(context.runsDir, runId);
    if (found.status === 'missing') return sendError(response, 404, `no run ${runId}`);
    if (found.status === 'incomplete') return sendError(response, 409, `run ${runId} has not finished`);
    if (found.status === 'unreadable')
      return sendError(response, 500, `the record of run ${runId} cannot be read: ${found.problem}`);
    response.type(renderer.contentType).send(renderer.render(found.record));
  });

  return router;
}

/** The `:id` parameter if it is a run id; otherwise a 400 has been sent. */
export function validRunId(request: Request, response: Response): string | undefined {
  const id = request.params['id'];
  if (typeof id === 'string' && isRunId(id)) return id;
  sendError(response, 400, 'not a run id: expected e.g. 20261122T060102Z-demo-bad-release-3f9a');
  return undefined;
}
