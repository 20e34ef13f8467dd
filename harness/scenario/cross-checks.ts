/**
 * Checks that involve more than one field, or that the schema's per-field rules cannot express,
 * run on the parsed scenario (durations in ms). Each problem names the field to change.
 */
import { formatDurationMs } from '../core/errors.js';
import type { Scenario } from './model.js';
import type { FieldProblem } from './issues.js';

export function crossFieldProblems(scenario: Scenario): FieldProblem[] {
  return [...phaseProblems(scenario), ...objectiveProblems(scenario), ...sloProblems(scenario)];
}

function phaseProblems({ phases, abort }: Scenario): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // A zero-length phase would end before it could observe anything, so every drill would fail it.
  const mustBePositive: [string[], number][] = [
    [['phases', 'baseline', 'duration'], phases.baseline.duration],
    [['phases', 'detection', 'timeout'], phases.detection.timeout],
    [['phases', 'decision', 'timeout'], phases.decision.timeout],
    [['phases', 'rollback', 'timeout'], phases.rollback.timeout],
    [['phases', 'verify', 'window'], phases.verify.window],
    [['abort', 'maxDuration'], abort.maxDuration],
  ];
  for (const [path, ms] of mustBePositive) {
    if (ms <= 0)
      problems.push({ path, message: `expected a duration greater than 0, got ${formatDurationMs(ms)}` });
  }
  const { window, sustain } = phases.verify;
  if (sustain > window) {
    problems.push({
      path: ['phases', 'verify', 'sustain'],
      message:
        `sustain (${formatDurationMs(sustain)}) must not be longer than phases.verify.window ` +
        `(${formatDurationMs(window)}): recovery could never be observed inside the window`,
    });
  }
  return problems;
}

function objectiveProblems({ objectives }: Scenario): FieldProblem[] {
  return Object.entries(objectives)
    .filter(([, ms]) => ms <= 0)
    .map(([name, ms]) => ({
      path: ['objectives', name],
      message: `expected a duration greater than 0, got ${formatDurationMs(ms)} (no drill could meet it)`,
    }));
}

function sloProblems({ slos }: Scenario): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const firstIndexOf = new Map<number, number>();
  slos.latency.forEach((slo, index) => {
    const earlier = firstIndexOf.get(slo.percentile);
    if (earlier !== undefined) {
      problems.push({
        path: ['slos', 'latency', index, 'percentile'],
        message: `percentile ${slo.percentile} is already set by slos.latency[${earlier}]; each percentile may have one threshold`,
      });
    } else {
      firstIndexOf.set(slo.percentile, index);
    }
    if (slo.threshold <= 0) {
      problems.push({
        path: ['slos', 'latency', index, 'threshold'],
        message: `expected a duration greater than 0, got ${formatDurationMs(slo.threshold)}`,
      });
    }
  });
  return problems;
}
