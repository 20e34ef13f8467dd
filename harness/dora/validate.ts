/**
 * Validates parsed event data — a JSON file, a POST body — into DoraEvents, or says what is wrong
 * with each field by its path (`deployments[2].finishedAt`). Pure: placing a path at a line of a
 * file is the importer's job.
 */
import type { z } from 'zod';
import {
  deploymentEventSchema,
  epochMs,
  incidentEventSchema,
  type DeploymentEvent,
  type DoraEvents,
  type IncidentEvent,
} from './events.js';

export type EventPath = readonly (string | number)[];

export interface EventProblem {
  readonly path: EventPath;
  readonly message: string;
  /** A field that should not be there is pointed at by its key, not its value. */
  readonly target?: 'key';
}

export type ValidationResult =
  | { readonly ok: true; readonly events: DoraEvents }
  | { readonly ok: false; readonly problems: readonly EventProblem[] };

export const ACCEPTED_SHAPES =
  'expected {"deployments": [...], "incidents": [...]}, an array of events each with "type": "deployment" or "incident", or one such event';

/** Where each event came from, so cross-checks can point at it. */
interface Located<T> {
  readonly event: T;
  readonly path: EventPath;
}

export interface ValidateOptions {
  /** How a message refers to another event ("first at …"); default: its field path. */
  readonly describePath?: (path: EventPath) => string;
}

/** Accepts the three shapes of ACCEPTED_SHAPES. */
export function validateDoraEventsData(data: unknown, options: ValidateOptions = {}): ValidationResult {
  const problems: EventProblem[] = [];
  const deployments: Located<DeploymentEvent>[] = [];
  const incidents: Located<IncidentEvent>[] = [];
  const take = (item: unknown, path: EventPath, type: unknown): void => {
    if (type === 'deployment') {
      const parsed = deploymentEventSchema.safeParse(item);
      if (parsed.success) deployments.push({ event: parsed.data, path });
      else problems.push(...zodProblems(parsed.error, path, 'a deployment'));
    } else if (type === 'incident') {
      const parsed = incidentEventSchema.safeParse(item);
      if (parsed.success) incidents.push({ event: parsed.data, path });
      else problems.push(...zodProblems(parsed.error, path, 'an incident'));
    } else {
      problems.push({
        path: [...path, 'type'],
        message:
          type === undefined
            ? 'missing "type": expected "deployment" or "incident"'
            : `expected "deployment" or "incident", got ${JSON.stringify(type)}`,
      });
    }
  };

  if (Array.isArray(data)) {
    data.forEach((item, index) => take(item, [index], isRecord(item) ? item['type'] : undefined));
  } else if (isRecord(data) && 'type' in data) {
    take(data, [], data['type']);
  } else if (isRecord(data)) {
    const unknownKeys = Object.keys(data).filter(
      (key) => !['deployments', 'incidents', 'apiVersion'].includes(key),
    );
    for (const key of unknownKeys)
      problems.push({ path: [key], message: `unknown field "${key}": ${ACCEPTED_SHAPES}` });
    for (const [key, type] of [
      ['deployments', 'deployment'],
      ['incidents', 'incident'],
    ] as const) {
      const list = data[key];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        problems.push({ path: [key], message: `expected an array of ${type} events` });
        continue;
      }
      list.forEach((item, index) => {
        const declared = isRecord(item) ? item['type'] : undefined;
        if (declared !== undefined && declared !== type) {
          problems.push({
            path: [key, index, 'type'],
            message: `a ${type} in "${key}" cannot have type ${JSON.stringify(declared)}`,
          });
        } else take(item, [key, index], type);
      });
    }
  } else {
    problems.push({ path: [], message: ACCEPTED_SHAPES });
  }

  problems.push(...crossCheck(deployments, incidents, options.describePath ?? describeByPath));
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    events: { deployments: deployments.map((d) => d.event), incidents: incidents.map((i) => i.event) },
  };
}

/** Rules between fields and between events, which a per-field schema cannot state. */
function crossCheck(
  deployments: readonly Located<DeploymentEvent>[],
  incidents: readonly Located<IncidentEvent>[],
  describe: (path: EventPath) => string,
): EventProblem[] {
  const problems: EventProblem[] = [];
  for (const { event, path } of deployments) {
    if (event.startedAt && epochMs(event.startedAt) > epochMs(event.finishedAt))
      problems.push({ path: [...path, 'startedAt'], message: 'startedAt is after finishedAt' });
    if (event.remediates !== undefined && event.kind === 'change')
      problems.push({
        path: [...path, 'remediates'],
        message: 'only a deployment of kind "rollback" or "hotfix" remedies another; set kind',
      });
    if (event.remediates === event.id)
      problems.push({ path: [...path, 'remediates'], message: 'a deployment cannot remedy itself' });
  }
  for (const { event, path } of incidents) {
    if (event.resolvedAt && epochMs(event.resolvedAt) < epochMs(event.startedAt))
      problems.push({ path: [...path, 'resolvedAt'], message: 'resolvedAt is before startedAt' });
  }
  problems.push(
    ...duplicateIds(deployments, 'deployment', describe),
    ...duplicateIds(incidents, 'incident', describe),
  );
  return problems;
}

function duplicateIds(
  list: readonly Located<{ id: string }>[],
  word: string,
  describe: (path: EventPath) => string,
): EventProblem[] {
  const firstPath = new Map<string, EventPath>();
  const problems: EventProblem[] = [];
  for (const { event, path } of list) {
    const first = firstPath.get(event.id);
    if (first)
      problems.push({
        path: [...path, 'id'],
        message: `${word} id "${event.id}" appears twice (first at ${describe(first)})`,
      });
    else firstPath.set(event.id, path);
  }
  return problems;
}

function zodProblems(error: z.ZodError, base: EventPath, word: string): EventProblem[] {
  return error.issues.flatMap((issue): EventProblem[] => {
    const path = [...base, ...(issue.path as EventPath)];
    // One problem per unknown field, at the field, so a CSV cell or a JSON key can be pointed at.
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: `"${key}" is not a field of ${word}`,
        target: 'key' as const,
      }));
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    return [{ path, message: missing ? 'required field is missing' : issue.message }];
  });
}

function describeByPath(path: EventPath): string {
  return formatEventPath(path) || 'the top';
}

/** `['deployments', 2, 'id']` → `deployments[2].id`. */
export function formatEventPath(path: EventPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${segment}` : segment;
  }
  return text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
