/**
 * Project-wide targets, shared by the dashboards (their thresholds) and the alert rules in
 * dashboards/prometheus/alerts.rules.yml (a unit test keeps the two in step). Per-scenario objectives
 * (time to detect … time to recover) are not here: every drill exports its own as
 * `rollback_drill_objective_target_seconds`, and the panels draw those.
 */

export const DAY_SECONDS = 86_400;

/** Share of attempted rollbacks that must succeed: a rollback that fails in a drill would fail in an incident. */
export const ROLLBACK_SUCCESS_TARGET_RATIO = 0.95;

/** A service whose last drill is older than this is "not drilled" (weekly drills plus slack). */
export const NOT_DRILLED_AFTER_DAYS = 7;

/** A Pushgateway group not pushed for longer than this is stale: one day past the drill cadence. */
export const PUSH_GROUP_STALE_AFTER_DAYS = NOT_DRILLED_AFTER_DAYS + 1;
