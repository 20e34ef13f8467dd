/** One drill per target: keys, all-or-none acquisition, release. */
import { describe, expect, it } from 'vitest';
import { targetLockKeys, TargetLocks } from '../../../harness/server/target-lock.js';
import { makeScenario } from '../../support/fixtures.js';

describe('targetLockKeys', () => {
  it('is the service in its environment, plus any fixed port or URL of the target', () => {
    expect(targetLockKeys(makeScenario())).toEqual(['service:shop@staging']);
    expect(
      targetLockKeys(
        makeScenario({
          metadata: { environment: 'demo' },
          target: { type: 'embedded', routerPort: 18080, paymentsUrl: 'http://127.0.0.1:8474/payments' },
        }),
      ),
    ).toEqual(['service:shop@demo', 'tcp:127.0.0.1:18080', 'url:http://127.0.0.1:8474']);
  });
});

describe('TargetLocks', () => {
  it('refuses a second holder of any shared key and names the first', () => {
    const locks = new TargetLocks();
    const first = locks.tryAcquire(['service:shop@staging', 'tcp:127.0.0.1:8080'], 'run-a', 1000);
    expect(first.acquired).toBe(true);
    const second = locks.tryAcquire(['service:api@staging', 'tcp:127.0.0.1:8080'], 'run-b', 2000);
    expect(second).toEqual({
      acquired: false,
      holder: { runId: 'run-a', key: 'tcp:127.0.0.1:8080', sinceEpochMs: 1000 },
    });
    // all or none: run-b took nothing, so its own service is still free
    expect(locks.holderOf(['service:api@staging'])).toBeUndefined();
    expect(locks.size()).toBe(2);
  });

  it('frees every key on release, once', () => {
    const locks = new TargetLocks();
    const first = locks.tryAcquire(['k1', 'k2'], 'run-a', 0);
    if (!first.acquired) throw new Error('expected the lock');
    first.release();
    const second = locks.tryAcquire(['k2'], 'run-b', 0);
    expect(second.acquired).toBe(true);
    first.release(); // a late second release must not free run-b's hold
    expect(locks.holderOf(['k2'])?.runId).toBe('run-b');
  });
});
