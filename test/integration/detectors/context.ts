/** A DetectorContext on the real clock, for detectors that talk to real sockets. */
import { SystemClock } from '../../../harness/core/clock.js';
import type { DetectorContext } from '../../../harness/detectors/port.js';
import type { WindowSli } from '../../../harness/measure/windows.js';

const BASELINE: WindowSli = {
  startMs: 0,
  endMs: 10_000,
  requests: 500,
  errors: 0,
  dropped: 0,
  availability: 1,
  errorRatio: 0,
  latencyMs: null,
};

export interface LiveContext extends DetectorContext {
  readonly controller: AbortController;
  readonly logs: string[];
}

export function liveContext(): LiveContext {
  const controller = new AbortController();
  const logs: string[] = [];
  return {
    clock: new SystemClock(),
    controller,
    signal: controller.signal,
    logs,
    log: (line) => logs.push(line),
    slos: { availability: 0.99, latency: [] },
    baseline: BASELINE,
    subscribe: () => () => undefined,
  };
}
