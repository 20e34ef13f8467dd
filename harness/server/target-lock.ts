/**
 * One drill per target at a time. A drill holds every key of its target (see targetLockKeys) for
 * its whole life, cleanup included; a second drill wanting any of them is refused, never queued —
 * a queued drill would start at a time nobody chose.
 */
import type { Scenario } from '../scenario/model.js';

export interface LockHolder {
  readonly runId: string;
  readonly key: string;
  /** Epoch ms the holder took the lock. */
  readonly sinceEpochMs: number;
}

export type LockAttempt =
  { readonly acquired: true; release(): void } | { readonly acquired: false; readonly holder: LockHolder };

export class TargetLocks {
  private readonly held = new Map<string, LockHolder>();

  /** All keys or none: a drill never half-holds a target. */
  tryAcquire(keys: readonly string[], runId: string, nowEpochMs: number): LockAttempt {
    for (const key of keys) {
      const holder = this.held.get(key);
      if (holder) return { acquired: false, holder };
    }
    for (const key of keys) this.held.set(key, { runId, key, sinceEpochMs: nowEpochMs });
    let released = false;
    return {
      acquired: true,
      release: () => {
        if (released) return;
        released = true;
        for (const key of keys) if (this.held.get(key)?.runId === runId) this.held.delete(key);
      },
    };
  }

  /** Who holds any of `keys`, if anyone. */
  holderOf(keys: readonly string[]): LockHolder | undefined {
    for (const key of keys) {
      const holder = this.held.get(key);
      if (holder) return holder;
    }
    return undefined;
  }

  size(): number {
    return this.held.size;
  }
}

/**
 * What "the same target" means. Always the service in its environment (`service:shop@staging`):
 * two drills against one service would measure each other's faults. Besides, anything in the
 * target block that names a place on the network — a fixed port (`tcp:127.0.0.1:8080`) or an http
 * URL (`url:http://proxy:8474`) — so two differently named scenarios that share a router port or a
 * fault proxy are kept apart too. The embedded demo is keyed the same way, although each of its
 * drills starts its own processes: the lock is about the target as users name it.
 */
export function targetLockKeys(scenario: Scenario): string[] {
  const keys = new Set<string>([`service:${scenario.metadata.service}@${scenario.metadata.environment}`]);
  for (const [field, value] of Object.entries(scenario.target)) {
    if (typeof value === 'number' && value > 0 && /port$/i.test(field)) keys.add(`tcp:127.0.0.1:${value}`);
    if (typeof value === 'string' && /^https?:\/\//i.test(value)) {
      try {
        keys.add(`url:${new URL(value).origin}`);
      } catch {
        // not a URL after all; the schema validated the fields that must be URLs
      }
    }
  }
  return [...keys];
}
