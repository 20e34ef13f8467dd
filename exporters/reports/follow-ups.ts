/** What a team could do about each kind of miss: the "action items" of the postmortem. */
import type { ObjectiveRecord, RunRecord } from '../../harness/store/run-record.js';

const OBJECTIVE_FOLLOW_UP: Record<ObjectiveRecord['name'], string> = {
  timeToDetect:
    'Detection was slow or absent. Check the alert path end to end (scrape interval, rule evaluation, `for:`, Alertmanager group_wait), shorten the detection window or use a sequential detector, and make sure the SLI the alert reads sees this failure mode.',
  timeToDecide:
    'Deciding took too long. Pre-authorize on-call to roll back without approval for SLO breaches after a deploy, or automate the decision for this class of regression; check how long the page took to reach a person.',
  timeToRollback:
    'Rolling back took too long. Keep the previous release warm (blue-green), make the rollback one command or one click, and check readiness and health-check timeouts on the way back.',
  timeToRecover:
    'Service stayed outside the SLO after the rollback. Look for state the bad release left behind (caches, queues, schema changes, connection pools) and for slow convergence of health checks and load balancers.',
};

export interface FollowUp {
  readonly what: string;
  readonly suggestion: string;
}

export function followUps(record: RunRecord): FollowUp[] {
  const items: FollowUp[] = [];
  if (record.result === 'aborted') {
    items.push({
      what: `The drill was aborted: ${record.reason}`,
      suggestion:
        'Fix what stopped the drill and run it again; check that the cleanup steps in the timeline all completed and nothing was left behind.',
    });
  }
  if (!record.measurements.rollbackSucceeded && record.result !== 'aborted') {
    items.push({
      what: `The rollback did not succeed: ${record.measurements.rollbackFailureReason ?? 'unknown reason'}`,
      suggestion:
        'A rollback that does not restore service is the most important finding of a drill: rehearse the rollback path by hand, confirm the previous version is still deployable, and add a post-rollback health gate.',
    });
  }
  for (const objective of record.objectives) {
    if (objective.met) continue;
    items.push({
      what:
        objective.actualSeconds === null
          ? `${objective.measurement} was not measured (objective ${objective.targetSeconds}s)`
          : `${objective.measurement} was ${objective.actualSeconds}s against an objective of ${objective.targetSeconds}s`,
      suggestion: OBJECTIVE_FOLLOW_UP[objective.name],
    });
  }
  return items;
}
