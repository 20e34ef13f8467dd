/**
 * Typed errors. Every error a user can cause carries what they need to fix it and maps to a
 * documented exit code; anything else is a bug and is reported with its stack.
 */
export const ExitCode = {
  passed: 0,
  failed: 1,
  invalidInput: 2,
  aborted: 3,
  internalError: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error caused by the user's input or environment; printed without a stack trace. */
export class UserError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue = ExitCode.invalidInput) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

export interface ScenarioIssue {
  /** The file the problem is in. */
  readonly file: string;
  /** 1-based line and column where the problem is, when the file has one. */
  readonly line?: number;
  readonly column?: number;
  /** Dotted field path such as `phases.baseline.duration` or `traffic.requests[2].weight`. */
  readonly path: string;
  /** What was expected there, in words a user understands. */
  readonly message: string;
}

export function formatScenarioIssue(issue: ScenarioIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  const field = issue.path ? ` ${issue.path}:` : '';
  return `${where}:${field} ${issue.message}`;
}

/** One or more problems in a scenario (or other input) file. */
export class ScenarioError extends UserError {
  readonly issues: readonly ScenarioIssue[];
  constructor(issues: readonly ScenarioIssue[]) {
    super(issues.map(formatScenarioIssue).join('\n'), ExitCode.invalidInput);
    this.name = 'ScenarioError';
    this.issues = issues;
  }
}

/** A phase that ran past its timeout. */
export class PhaseTimeoutError extends Error {
  constructor(
    readonly phase: string,
    readonly timeoutMs: number,
  ) {
    super(`${phase} did not complete within ${formatDurationMs(timeoutMs)}`);
    this.name = 'PhaseTimeoutError';
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** 90000 → "1m30s", 2500 → "2.5s"; used in messages so they read like the scenario file. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = +(totalSeconds % 60).toFixed(3);
  let text = '';
  if (hours) text += `${hours}h`;
  if (minutes) text += `${minutes}m`;
  if (seconds || !text) text += `${seconds}s`;
  return text;
}
