/** The detection benchmark as Markdown: one table per case, then the acceptance ratios. */
import type { DetectionBenchResult, DetectorBenchRow } from './detect.js';

function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(3))}%`;
}

function seconds(value: number): string {
  if (value < 10) return `${value.toFixed(2)} s`;
  if (value < 100) return `${value.toFixed(1)} s`;
  return `${Math.round(value)} s`;
}

function delay(secondsValue: number | null, requests: number | null, capSeconds: number): string {
  if (secondsValue === null || requests === null) return `> ${capSeconds} s`;
  return `${seconds(secondsValue)} (${Math.round(requests)} req)`;
}

function scientific(value: number): string {
  return value >= 1e5 ? value.toExponential(1).replace('e+', 'e') : String(Math.round(value));
}

function falseAlarms(row: DetectorBenchRow): string {
  const hours = row.noFaultHours >= 10 ? row.noFaultHours.toFixed(0) : row.noFaultHours.toFixed(1);
  const rate = row.falseAlarms === 0 ? '0' : row.falseAlarmsPerHour.toPrecision(2);
  return `${rate} (${row.falseAlarms} in ${hours} h; ≤ ${row.falseAlarmsPerHourUpper95.toPrecision(2)})`;
}

function ratio(row: DetectorBenchRow): string {
  if (row.ratioToBound === null) return '—';
  // With no false alarm seen, ARL0 (and so the bound) is only known from below: the ratio is an upper bound.
  const prefix = row.arl0Basis === 'at least' ? '≤ ' : '';
  const mean = row.meanRatioToBound === null ? '' : ` (${prefix}${row.meanRatioToBound.toFixed(2)})`;
  return `${prefix}${row.ratioToBound.toFixed(2)}${mean}`;
}

export function formatDetectionBenchmarkMarkdown(result: DetectionBenchResult): string {
  const lines: string[] = [
    '# Detection benchmark',
    '',
    `Seed ${result.seed}; ${result.trials} fault trials per row; baseline ${result.baselineSeconds}–${result.baselineSeconds + 14} s ` +
      `(random whole-second phase); a detector silent ${result.capSeconds} s after the fault counts as not detected. ` +
      'Poisson arrivals; the same seed gives the same figures.',
    '',
    'Delay = fault start → detection (seconds, and requests completed meanwhile). False alarms: the same traffic ' +
      'with no fault, the detector restarted after each alarm; "≤" is the one-sided 95% upper bound per hour. ' +
      'ARL0 = mean requests between false alarms: the setting for sequential, else measured ' +
      '("at least" when none was seen). ln(ARL0)/KL is Lorden\'s bound on the delay at that false-alarm rate.',
    '',
  ];
  for (const testCase of result.cases) {
    lines.push(
      `## ${testCase.title}`,
      '',
      `Change on ${testCase.changedStream}: p0 ${percent(testCase.p0)} → p1 ${percent(testCase.p1)}, ` +
        `KL = ${testCase.kl.toPrecision(3)} nats per request.`,
      '',
      '| rps | detector | detected | median delay | p95 delay | false alarms / h | ARL0 (requests) | ln(ARL0)/KL | median (mean) / bound |',
      '|---:|---|---:|---|---|---|---|---|---:|',
    );
    for (const row of result.rows.filter((r) => r.caseId === testCase.id)) {
      lines.push(
        `| ${row.rate} | ${row.label} | ${row.detected}/${row.trials} | ` +
          `${delay(row.medianDelaySeconds, row.medianDelayRequests, result.capSeconds)} | ` +
          `${delay(row.p95DelaySeconds, row.p95DelayRequests, result.capSeconds)} | ${falseAlarms(row)} | ` +
          `${scientific(row.arl0Requests)} (${row.arl0Basis}) | ${Math.round(row.boundRequests)} req (${seconds(row.boundSeconds)}) | ` +
          `${ratio(row)} |`,
      );
    }
    lines.push('');
  }
  if (result.acceptance.length > 0) {
    lines.push(
      '## Acceptance (errors 0.5% → 5% at 100 rps)',
      '',
      'INFO lines are context and do not gate.',
      '',
    );
    for (const check of result.acceptance) {
      const value = check.value === null ? 'n/a' : check.value.toPrecision(3);
      const verdict = check.gating
        ? check.passed
          ? 'PASS'
          : 'FAIL'
        : `INFO (${check.passed ? 'meets' : 'misses'})`;
      lines.push(`- ${verdict} — ${check.description}: **${value}** (target ${check.target})`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
