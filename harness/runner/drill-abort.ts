/** Why a drill was stopped early: SIGINT, SIGTERM, the max duration, an unhealthy baseline, a failed setup. */
export class DrillAbort extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AbortError';
  }
}

export function abortReasonOf(signal: AbortSignal, fallback: string): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return fallback;
}
