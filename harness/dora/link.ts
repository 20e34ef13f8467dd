/**
 * Ties incidents to the deployments that caused them. An explicit `deploymentId` wins; otherwise
 * the incident goes to the most recent deployment of the same service that finished at or before
 * the incident started, within a bounded window (default 24 h). An incident with no such deployment
 * is *unlinked*: reported, and never counted as a failure of some deployment (devlake #8150).
 */
import { epochMs, type DeploymentEvent, type DoraEvents, type IncidentEvent } from './events.js';

export const DEFAULT_LINK_WINDOW_MS = 24 * 3_600_000;

export type IncidentLink =
  | {
      readonly incident: IncidentEvent;
      readonly deploymentId: string;
      readonly how: 'explicit' | 'window';
    }
  | {
      readonly incident: IncidentEvent;
      readonly deploymentId: null;
      readonly how: 'unlinked';
      readonly reason: string;
    };

export function linkIncidents(events: DoraEvents, windowMs: number = DEFAULT_LINK_WINDOW_MS): IncidentLink[] {
  const known = new Set(events.deployments.map((d) => d.id));
  const byService = new Map<string, DeploymentEvent[]>();
  for (const deployment of events.deployments) {
    const list = byService.get(deployment.service) ?? [];
    list.push(deployment);
    byService.set(deployment.service, list);
  }
  // Latest first; equal finish times fall back to the id so the choice never depends on file order.
  for (const list of byService.values())
    list.sort((a, b) => epochMs(b.finishedAt) - epochMs(a.finishedAt) || b.id.localeCompare(a.id));

  return events.incidents.map((incident): IncidentLink => {
    if (incident.deploymentId !== undefined) {
      return known.has(incident.deploymentId)
        ? { incident, deploymentId: incident.deploymentId, how: 'explicit' }
        : {
            incident,
            deploymentId: null,
            how: 'unlinked',
            reason: `its deploymentId "${incident.deploymentId}" is not among the imported deployments`,
          };
    }
    const start = epochMs(incident.startedAt);
    const candidate = (byService.get(incident.service) ?? []).find((d) => epochMs(d.finishedAt) <= start);
    if (candidate && start - epochMs(candidate.finishedAt) <= windowMs)
      return { incident, deploymentId: candidate.id, how: 'window' };
    return {
      incident,
      deploymentId: null,
      how: 'unlinked',
      reason: `no deployment of ${incident.service} finished in the ${formatWindow(windowMs)} before it started`,
    };
  });
}

function formatWindow(ms: number): string {
  const hours = ms / 3_600_000;
  if (Number.isInteger(hours)) return `${hours} h`;
  const minutes = ms / 60_000;
  return Number.isInteger(minutes) ? `${minutes} min` : `${ms / 1000} s`;
}
