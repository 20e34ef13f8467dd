/** The DORA report as text for a terminal: one block per service, the definitions one command away. */
import type { DoraReport, ServiceDora } from './compute.js';

/** 42 → "42s", 2520 → "42m", 5400 → "1h 30m", 200000 → "2d 7h"; coarse on purpose: inputs are minutes-grained. */
export function humanDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${+seconds.toFixed(1)}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

export function ratioText(ratio: number | null): string {
  return ratio === null ? '—' : `${+(ratio * 100).toFixed(1)}%`;
}

export function frequencyText(perDay: number): string {
  if (perDay >= 1) return `${+perDay.toFixed(2)}/day`;
  if (perDay * 7 >= 1) return `${+(perDay * 7).toFixed(2)}/week`;
  return `${+(perDay * 30).toFixed(2)}/month`;
}

export function renderDoraText(report: DoraReport): string {
  const lines: string[] = [];
  lines.push(
    `DORA figures for ${+report.period.days.toFixed(2)} days, ${report.period.start.slice(0, 16)}Z → ${report.period.end.slice(0, 16)}Z`,
    `incidents without a deploymentId are linked to the latest deployment of their service within ${humanDuration(report.linkWindowSeconds)}`,
    '',
  );
  if (report.services.length === 0) lines.push('No deployments, incidents or drills in this period.', '');
  for (const service of report.services) lines.push(...serviceBlock(service), '');
  if (report.unlinkedIncidents.length) {
    lines.push('Unlinked incidents (not counted as any deployment failing):');
    for (const i of report.unlinkedIncidents)
      lines.push(`  ${i.id} (${i.service}, ${i.startedAt}): ${i.reason}`);
    lines.push('');
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  lines.push('Definitions and level thresholds: docs/dora.md', '');
  return lines.join('\n');
}

function serviceBlock(s: ServiceDora): string[] {
  const level = s.level.overall ? s.level.overall.toUpperCase() : 'no level';
  const row = (name: string, value: string, metricLevel?: string | null): string =>
    `  ${name.padEnd(34)}${value.padEnd(46)}${metricLevel ?? ''}`.trimEnd();
  const recovery = s.recovery;
  return [
    `${s.service} — ${level} (${s.level.reason})`,
    row(
      'deployment frequency',
      `${frequencyText(s.deploymentsPerDay)} (${s.deployments} deployments)`,
      s.level.deploymentFrequency,
    ),
    row(
      'change fail rate',
      `${ratioText(s.changeFailRate)} (${s.failedDeployments} of ${s.deployments} deployments failed)`,
      s.level.changeFailRate,
    ),
    row(
      'failed deployment recovery time',
      `median ${humanDuration(recovery.medianSeconds)} (${recovery.recovered} recovered${recovery.unrecovered ? `, ${recovery.unrecovered} still open` : ''})`,
      s.level.recoveryTime,
    ),
    row('deployment rework rate', `${ratioText(s.reworkRate)} (${s.reworkDeployments} of ${s.deployments})`),
    row('incidents', `${s.incidents.total} (${s.incidents.linked} linked, ${s.incidents.unlinked} unlinked)`),
    row(
      'drills: time to recover',
      s.drills.passed
        ? `median ${humanDuration(s.drills.medianTimeToRecoverSeconds)} over ${s.drills.passed} passed of ${s.drills.runs}`
        : s.drills.runs
          ? `no passed drill (${s.drills.runs} run${s.drills.runs > 1 ? 's' : ''})`
          : 'no drill in the period',
    ),
    row(
      'drills: time to roll back',
      s.drills.passed ? `median ${humanDuration(s.drills.medianTimeToRollbackSeconds)}` : '—',
    ),
  ];
}
