/** Marks held in memory and a FakeClock context, for tests of what waits on marks. */
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import type { FakeClock } from '../../../harness/core/fake-clock.js';
import type { Mark, MarkKind, MarkReading, MarkSource } from '../../../harness/runner/marks.js';

export class MemoryMarks implements MarkSource {
  reading: MarkReading = { state: 'absent' };
  failWith: Error | undefined;
  reads = 0;

  set(mark: Mark): void {
    this.reading = { state: 'ok', mark };
  }

  read(kind: MarkKind): Promise<MarkReading> {
    this.reads += 1;
    if (this.failWith) return Promise.reject(this.failWith);
    if (this.reading.state === 'ok' && this.reading.mark.kind !== kind)
      return Promise.resolve({ state: 'absent' });
    return Promise.resolve(this.reading);
  }
}

export interface MarkTestContext extends AdapterContext {
  readonly controller: AbortController;
  readonly logs: string[];
}

export function markContext(
  clock: FakeClock,
  /** null: a context without a run folder. */
  run: { id: string; folder: string } | null = { id: 'run-1', folder: '/runs/run-1' },
): MarkTestContext {
  const controller = new AbortController();
  const logs: string[] = [];
  return {
    clock,
    controller,
    signal: controller.signal,
    logs,
    log: (line: string) => logs.push(line),
    ...(run ? { run } : {}),
  };
}
