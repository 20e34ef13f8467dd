import { afterEach, describe, expect, it } from 'vitest';
import { Connections } from '../../../harness/traffic/connections.js';

// Clients connect lazily, on their first request: none of these tests opens a socket.
let sets: Connections[] = [];

afterEach(async () => {
  await Promise.all(sets.map((set) => set.close(true)));
  sets = [];
});

function connections(limit: number): Connections {
  const set = new Connections({ origin: 'http://127.0.0.1:9', limit, timeoutMs: 1_000 });
  sets.push(set);
  return set;
}

describe('Connections', () => {
  it('opens up to the limit, then has nothing to give (no queue)', () => {
    const set = connections(2);
    const a = set.acquire();
    const b = set.acquire();
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(b).not.toBe(a);
    expect(set.acquire()).toBeUndefined();
    expect(set.size).toBe(2);
  });

  it('hands out the most recently released connection first', () => {
    const set = connections(3);
    const a = set.acquire();
    const b = set.acquire();
    if (!a || !b) throw new Error('expected two connections');
    set.release(a);
    set.release(b);
    expect(set.acquire()).toBe(b);
    expect(set.acquire()).toBe(a);
    expect(set.size).toBe(2);
  });

  it('discards a failed connection, freeing its slot for a new one', () => {
    const set = connections(1);
    const a = set.acquire();
    if (!a) throw new Error('expected a connection');
    set.discard(a);
    expect(set.size).toBe(0);
    // A discarded connection is never handed out again, even if released by mistake.
    set.release(a);
    const b = set.acquire();
    expect(b).toBeDefined();
    expect(b).not.toBe(a);
  });

  it('gives nothing after close', async () => {
    const set = connections(2);
    const a = set.acquire();
    if (!a) throw new Error('expected a connection');
    set.release(a);
    await set.close(false);
    expect(set.acquire()).toBeUndefined();
    expect(set.size).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new Connections({ origin: 'http://127.0.0.1:9', limit: 0, timeoutMs: 1_000 })).toThrow(
      /at least 1/,
    );
  });
});
