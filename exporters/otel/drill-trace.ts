/**
 * One trace per drill, built live from the timeline: a root span `drill <scenario>`, a child span
 * per phase, a span event per notable timeline event. Every timestamp comes from the drill's clock
 * via toEpochMs — never "now" — so the trace lines up with run.json and the Prometheus timestamps.
 */
import {
  context,
  SpanStatusCode,
  trace,
  type Attributes,
  type HrTime,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { RunStartInfo } from '../../harness/runner/observer.js';
import type { PhaseName, TimelineEvent, TimelineEventType } from '../../harness/runner/timeline.js';
import type { RunRecord } from '../../harness/store/run-record.js';

/** Timeline events that bracket spans rather than annotate them. */
const BRACKETS: ReadonlySet<TimelineEventType> = new Set([
  'run.started',
  'run.finished',
  'phase.started',
  'phase.ended',
]);
const FAILED_RESULTS: ReadonlySet<string> = new Set(['failed', 'aborted', 'interrupted']);
const MAX_ATTRIBUTE_LENGTH = 512;

/** Epoch ms → [seconds, nanoseconds]: explicit, so the SDK never mistakes it for a performance.now() reading. */
export function epochMsToHrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.round((epochMs - seconds * 1000) * 1e6)];
}

export function spanName(phase: PhaseName): string {
  return `phase ${phase}`;
}

/** Timeline `data` as span attributes: primitives kept, the rest as (bounded) JSON. */
export function dataAttributes(data: Record<string, unknown> | undefined): Attributes {
  const attributes: Attributes = {};
  for (const [key, raw] of Object.entries(data ?? {})) {
    if (raw === undefined || raw === null) continue;
    const name = `drill.data.${key}`;
    if (typeof raw === 'number' || typeof raw === 'boolean') attributes[name] = raw;
    else {
      const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
      attributes[name] =
        text.length > MAX_ATTRIBUTE_LENGTH ? `${text.slice(0, MAX_ATTRIBUTE_LENGTH)}…` : text;
    }
  }
  return attributes;
}

export class DrillTrace {
  private readonly root: Span;
  private readonly openPhases = new Map<PhaseName, Span>();
  private readonly failedPhases = new Map<PhaseName, string>();
  private lastPhase: PhaseName | undefined;

  constructor(
    private readonly tracer: Tracer,
    private readonly info: RunStartInfo,
  ) {
    const { metadata } = info.scenario;
    this.root = tracer.startSpan(`drill ${metadata.name}`, {
      startTime: this.at(info.startedAtMs),
      attributes: {
        'drill.scenario': metadata.name,
        'drill.service': metadata.service,
        'drill.environment': metadata.environment,
        'drill.team': metadata.team,
        'drill.fault.kind': info.fault.kind,
        'drill.fault.summary': info.fault.summary,
        // A span attribute, not a metric label: traces are per run, so the run id is what links them.
        'drill.run_id': info.runId,
      },
    });
  }

  get traceId(): string {
    return this.root.spanContext().traceId;
  }

  event(event: TimelineEvent): void {
    const time = this.at(event.atMs);
    if (event.type === 'phase.started' && event.phase) {
      this.openPhases.get(event.phase)?.end(time);
      const parent = trace.setSpan(context.active(), this.root);
      const span = this.tracer.startSpan(
        spanName(event.phase),
        { startTime: time, attributes: { 'drill.phase': event.phase } },
        parent,
      );
      this.openPhases.set(event.phase, span);
      this.lastPhase = event.phase;
      return;
    }
    if (event.type === 'phase.ended' && event.phase) {
      this.endPhase(event.phase, time);
      return;
    }
    if (BRACKETS.has(event.type)) return;

    if (event.type === 'phase.timeout' || event.type === 'rollback.failed' || event.type === 'run.aborted') {
      const phase = event.phase ?? this.lastPhase;
      // The first failure is the cause; later ones (rollback.failed after phase.timeout) follow from it.
      if (phase && !this.failedPhases.has(phase)) this.failedPhases.set(phase, event.message);
    }
    this.root.addEvent(
      event.type,
      {
        'drill.message': event.message,
        ...(event.phase ? { 'drill.phase': event.phase } : {}),
        ...dataAttributes(event.data),
      },
      time,
    );
  }

  /** Ends every span; returns the trace id. */
  finish(record: RunRecord): string {
    const end = epochMsToHrTime(Date.parse(record.endedAt));
    for (const phase of [...this.openPhases.keys()]) {
      this.failedPhases.set(
        phase,
        this.failedPhases.get(phase) ?? `phase did not end (run ${record.result})`,
      );
      this.endPhase(phase, end);
    }
    const { measurements } = record;
    const attributes: Attributes = {
      'drill.result': record.result,
      'drill.reason': record.reason,
      'drill.rollback.succeeded': measurements.rollbackSucceeded,
    };
    for (const [key, value] of [
      ['drill.time_to_detect_seconds', measurements.timeToDetectSeconds],
      ['drill.time_to_decide_seconds', measurements.timeToDecideSeconds],
      ['drill.time_to_rollback_seconds', measurements.timeToRollbackSeconds],
      ['drill.time_to_recover_seconds', measurements.timeToRecoverSeconds],
    ] as const)
      if (value !== null) attributes[key] = value;
    this.root.setAttributes(attributes);
    if (FAILED_RESULTS.has(record.result))
      this.root.setStatus({ code: SpanStatusCode.ERROR, message: `${record.result}: ${record.reason}` });
    else this.root.setStatus({ code: SpanStatusCode.OK });
    this.root.end(end);
    return this.traceId;
  }

  private endPhase(phase: PhaseName, time: HrTime): void {
    const span = this.openPhases.get(phase);
    if (!span) return;
    const failure = this.failedPhases.get(phase);
    if (failure) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    span.end(time);
    this.openPhases.delete(phase);
  }

  private at(monotonicMs: number): HrTime {
    return epochMsToHrTime(this.info.toEpochMs(monotonicMs));
  }
}
