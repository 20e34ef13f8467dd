/**
 * The body of `POST /api/dora/events` (mounted by the serve daemon): validate, then store. Returns
 * the HTTP status and JSON body instead of touching a response, so it is tested without a server
 * and any framework can mount it:
 *
 *   app.post('/api/dora/events', requireToken, async (req, res) => {
 *     const { status, body } = await acceptDoraEvents(req.body, store);
 *     res.status(status).json(body);
 *   });
 */
import type { DoraEventStore, MergeSummary } from './store.js';
import { ACCEPTED_SHAPES, formatEventPath, validateDoraEventsData } from './validate.js';

/** A POST body is a batch from a webhook or a script, not a bulk import; bigger batches use the CLI. */
export const MAX_EVENTS_PER_POST = 10_000;

export type DoraPostResponse =
  | { readonly status: 200; readonly body: { readonly stored: MergeSummary } }
  | {
      readonly status: 400 | 413;
      readonly body: {
        readonly error: string;
        readonly issues: readonly { readonly path: string; readonly message: string }[];
      };
    };

export async function acceptDoraEvents(body: unknown, store: DoraEventStore): Promise<DoraPostResponse> {
  const size = eventCount(body);
  if (size > MAX_EVENTS_PER_POST)
    return {
      status: 413,
      body: {
        error: `too many events in one request (${size} > ${MAX_EVENTS_PER_POST}); import large logs with rollback-drill dora import`,
        issues: [],
      },
    };
  if (body === undefined || body === null || body === '')
    return { status: 400, body: { error: `empty body: ${ACCEPTED_SHAPES}`, issues: [] } };
  const result = validateDoraEventsData(body);
  if (!result.ok)
    return {
      status: 400,
      body: {
        error: 'invalid DORA events; nothing was stored',
        issues: result.problems.map((p) => ({ path: formatEventPath(p.path), message: p.message })),
      },
    };
  return { status: 200, body: { stored: await store.add(result.events) } };
}

function eventCount(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const length = (value: unknown): number => (Array.isArray(value) ? value.length : 0);
    return length(record['deployments']) + length(record['incidents']);
  }
  return 0;
}
