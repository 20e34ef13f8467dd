/**
 * One request of the builtin generator from its send until the transport says how it ended, and the
 * outcome it turns into. The request is its own response sink and deadline-queue entry, so a request
 * costs one object on the generator's side: no promise, closure or AbortController.
 */
import { DeadlineEntry } from './deadline-queue.js';
import { classifyRequestError, classifyStatus } from './error-class.js';
import type { ResponseSink, SentRequest } from './http-transport.js';
import type { PreparedRequest } from './request-mix.js';
import type { ErrorClass, RequestOutcome } from './sli.js';

/** Who hears how a request ended: the generator. */
export interface RequestSettler {
  settle(request: InFlightRequest, status: number | undefined, error: unknown): void;
}

export class InFlightRequest extends DeadlineEntry implements ResponseSink {
  /** Set right after send() returns (the sink may already have been called by then). */
  sent: SentRequest | undefined = undefined;
  timedOut = false;
  settled = false;
  /** Aborted by stop() or the drill's abort rather than by its deadline. */
  cutOff = false;

  constructor(
    private readonly settler: RequestSettler,
    readonly request: PreparedRequest,
    readonly scheduledAtMs: number,
  ) {
    super();
  }

  onResponse(status: number): void {
    this.settler.settle(this, status, undefined);
  }

  onFailure(error: unknown): void {
    this.settler.settle(this, undefined, error);
  }
}

/**
 * What the SLIs record for a request that ended at `completedAtMs` with `status` or `error`. A
 * deadline that fired makes it a timeout whatever the client library made of the abort. Optional
 * fields are left out rather than set to undefined.
 */
export function outcomeOf(
  request: InFlightRequest,
  completedAtMs: number,
  status: number | undefined,
  error: unknown,
): RequestOutcome {
  const errorClass: ErrorClass | undefined = request.timedOut
    ? 'timeout'
    : status === undefined
      ? classifyRequestError(error)
      : classifyStatus(status);
  const scheduledAtMs = request.scheduledAtMs;
  const latencyMs = completedAtMs - scheduledAtMs;
  const endpoint = request.request.endpoint;
  if (status === undefined) {
    return errorClass === undefined
      ? { scheduledAtMs, completedAtMs, latencyMs, endpoint }
      : { scheduledAtMs, completedAtMs, latencyMs, errorClass, endpoint };
  }
  return errorClass === undefined
    ? { scheduledAtMs, completedAtMs, latencyMs, status, endpoint }
    : { scheduledAtMs, completedAtMs, latencyMs, status, errorClass, endpoint };
}
