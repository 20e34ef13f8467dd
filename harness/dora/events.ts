/**
 * Deployment and incident events, the input of the DORA figures (docs/dora.md). One zod schema per
 * event validates files, POST bodies and the stored event log alike. Times must carry a timezone:
 * a bare "2026-11-22 06:00" is ambiguous by up to a day, which is longer than an elite recovery.
 */
import { z } from 'zod';

export const DORA_EVENTS_API_VERSION = 'rollback-drill/dora-events/v1';

/**
 * `change`: a planned deployment. `rollback` and `hotfix`: unplanned deployments made because of a
 * production incident — the rework that the deployment rework rate counts.
 */
export const DEPLOYMENT_KINDS = ['change', 'rollback', 'hotfix'] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const TIME_HINT = 'an ISO-8601 time with a timezone, e.g. 2026-11-22T06:00:00Z';

/** ISO-8601 text with a timezone → the same instant as `…Z` text; undefined when not one. */
export function normalizeTimestamp(text: string): string | undefined {
  const match = ISO_WITH_ZONE.exec(text.trim());
  if (!match) return undefined;
  const epochMs = Date.parse(text.trim());
  if (!Number.isFinite(epochMs)) return undefined;
  // Date.parse rolls "02-30" over into March; a calendar day that does not exist is a typo.
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  return new Date(epochMs).toISOString();
}

const timestamp = z.string({ error: `expected ${TIME_HINT}` }).transform((text, ctx) => {
  const normalized = normalizeTimestamp(text);
  if (normalized === undefined) {
    const naive = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text.trim());
    ctx.addIssue({
      code: 'custom',
      message: naive
        ? `expected ${TIME_HINT}; got "${text}", which has no timezone (add Z for UTC or an offset such as +02:00)`
        : `expected ${TIME_HINT}; got "${text}"`,
    });
    return z.NEVER;
  }
  return normalized;
});

const identifier = z
  .string({ error: 'expected a non-empty string' })
  .trim()
  .min(1, 'expected a non-empty string')
  .max(200, 'expected at most 200 characters');

const text = z.string({ error: 'expected a string' }).max(2000, 'expected at most 2000 characters');

export const deploymentEventSchema = z
  .strictObject({
    type: z.literal('deployment', { error: 'expected "deployment"' }).optional(),
    id: identifier,
    service: identifier,
    finishedAt: timestamp.meta({ description: 'when the deployment finished: its change is live' }),
    startedAt: timestamp.optional(),
    version: text.optional(),
    kind: z
      .enum(DEPLOYMENT_KINDS, { error: `expected one of ${DEPLOYMENT_KINDS.join(', ')}` })
      .default('change'),
    remediates: identifier
      .optional()
      .meta({ description: 'id of the deployment this rollback or hotfix remedies (marks it failed)' }),
    incidentId: identifier.optional().meta({ description: 'the incident this unplanned deployment answers' }),
  })
  .transform(({ type: _type, ...rest }) => rest);

export const incidentEventSchema = z
  .strictObject({
    type: z.literal('incident', { error: 'expected "incident"' }).optional(),
    id: identifier,
    service: identifier,
    startedAt: timestamp.meta({ description: 'when the service was first impaired' }),
    resolvedAt: timestamp
      .nullable()
      .optional()
      .meta({ description: 'when service was restored (not when the ticket was closed); absent = open' }),
    deploymentId: identifier
      .optional()
      .meta({ description: 'the deployment that caused it; absent = linked by the time window' }),
    title: text.optional(),
  })
  // A null resolvedAt (an open incident, as some exports write it) is stored as an absent one.
  .transform(({ type: _type, resolvedAt, ...rest }): typeof rest & { resolvedAt?: string } =>
    resolvedAt ? { ...rest, resolvedAt } : rest,
  );

export type DeploymentEvent = z.output<typeof deploymentEventSchema>;
export type IncidentEvent = z.output<typeof incidentEventSchema>;

export interface DoraEvents {
  readonly deployments: readonly DeploymentEvent[];
  readonly incidents: readonly IncidentEvent[];
}

export const EMPTY_DORA_EVENTS: DoraEvents = { deployments: [], incidents: [] };

/** The stored event log: DIR/dora-events.json. */
export const doraEventLogSchema = z.strictObject({
  apiVersion: z.literal(DORA_EVENTS_API_VERSION),
  deployments: z.array(deploymentEventSchema),
  incidents: z.array(incidentEventSchema),
});

export function epochMs(iso: string): number {
  return Date.parse(iso);
}
