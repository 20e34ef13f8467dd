/** The event log: merged by id, written atomically, POSTed events validated before anything is stored. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptDoraEvents, MAX_EVENTS_PER_POST } from '../../../harness/dora/accept.js';
import { DORA_EVENTS_API_VERSION } from '../../../harness/dora/events.js';
import { DORA_EVENTS_FILE, doraEventStore, mergeDoraEvents } from '../../../harness/dora/store.js';

const deployment = (id: string, version = '1') => ({
  id,
  service: 'shop',
  finishedAt: '2026-11-02T10:00:00.000Z',
  version,
  kind: 'change' as const,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dora-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('merging events', () => {
  it('adds new ids, replaces changed ones and counts identical ones as unchanged', () => {
    const stored = { deployments: [deployment('a'), deployment('b')], incidents: [] };
    const { events, summary } = mergeDoraEvents(stored, {
      deployments: [deployment('a'), deployment('b', '2'), deployment('c')],
      incidents: [],
    });
    expect(summary.deployments).toEqual({ added: 1, updated: 1, unchanged: 1 });
    expect(events.deployments.map((d) => [d.id, d.version])).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '1'],
    ]);
  });
});

describe('the event log file', () => {
  it('starts empty, then holds what was added, with its apiVersion', async () => {
    const store = doraEventStore(join(dir, 'runs'));
    expect(await store.load()).toEqual({ deployments: [], incidents: [] });
    await store.add({ deployments: [deployment('a')], incidents: [] });
    const onDisk = JSON.parse(await readFile(join(dir, 'runs', DORA_EVENTS_FILE), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(onDisk['apiVersion']).toBe(DORA_EVENTS_API_VERSION);
    expect((await store.load()).deployments).toEqual([deployment('a')]);
  });

  it('applies concurrent additions one after another, losing none', async () => {
    const store = doraEventStore(dir);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.add({ deployments: [deployment(`d${i}`)], incidents: [] })),
    );
    expect((await store.load()).deployments).toHaveLength(20);
  });

  it('refuses a corrupt log with its path instead of overwriting it', async () => {
    await writeFile(join(dir, DORA_EVENTS_FILE), '{"apiVersion": "something/else"}');
    await expect(doraEventStore(dir).load()).rejects.toThrow(/dora-events\.json: not a DORA event log/);
  });
});

describe('acceptDoraEvents (the POST handler body)', () => {
  it('stores valid events and says what changed', async () => {
    const store = doraEventStore(dir);
    const response = await acceptDoraEvents(
      { deployments: [{ id: 'a', service: 'shop', finishedAt: '2026-11-02T10:00:00Z' }] },
      store,
    );
    expect(response).toEqual({
      status: 200,
      body: {
        stored: {
          deployments: { added: 1, updated: 0, unchanged: 0 },
          incidents: { added: 0, updated: 0, unchanged: 0 },
        },
      },
    });
    expect((await store.load()).deployments[0]?.id).toBe('a');
  });

  it('stores nothing when any event is invalid, and lists every problem by path', async () => {
    const store = doraEventStore(dir);
    const response = await acceptDoraEvents(
      [
        { type: 'deployment', id: 'a', service: 'shop', finishedAt: '2026-11-02T10:00:00Z' },
        { type: 'incident', id: 'i', service: 'shop', startedAt: 'soon' },
      ],
      store,
    );
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'invalid DORA events; nothing was stored',
      issues: [
        {
          path: '[1].startedAt',
          message: 'expected an ISO-8601 time with a timezone, e.g. 2026-11-22T06:00:00Z; got "soon"',
        },
      ],
    });
    expect(await store.load()).toEqual({ deployments: [], incidents: [] });
  });

  it('refuses an empty body and an oversized batch', async () => {
    const store = doraEventStore(dir);
    expect((await acceptDoraEvents(undefined, store)).status).toBe(400);
    expect((await acceptDoraEvents('text', store)).status).toBe(400);
    const huge = Array.from({ length: MAX_EVENTS_PER_POST + 1 }, () => ({}));
    expect((await acceptDoraEvents(huge, store)).status).toBe(413);
  });
});
