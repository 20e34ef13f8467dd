/**
 * The DORA event log: DIR/dora-events.json beside the run folders, written atomically. Importing
 * the same export twice changes nothing; an event re-imported with the same id replaces the stored
 * one (an incident exported again once resolved gains its resolvedAt).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { DORA_EVENTS_API_VERSION, doraEventLogSchema, EMPTY_DORA_EVENTS, type DoraEvents } from './events.js';

export const DORA_EVENTS_FILE = 'dora-events.json';

export interface MergeCounts {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
}

export interface MergeSummary {
  readonly deployments: MergeCounts;
  readonly incidents: MergeCounts;
}

/** Pure: the stored events with `incoming` merged in by id; order = first seen. */
export function mergeDoraEvents(
  stored: DoraEvents,
  incoming: DoraEvents,
): { events: DoraEvents; summary: MergeSummary } {
  const deployments = mergeById(stored.deployments, incoming.deployments);
  const incidents = mergeById(stored.incidents, incoming.incidents);
  return {
    events: { deployments: deployments.list, incidents: incidents.list },
    summary: { deployments: deployments.counts, incidents: incidents.counts },
  };
}

function mergeById<T extends { id: string }>(
  stored: readonly T[],
  incoming: readonly T[],
): { list: T[]; counts: MergeCounts } {
  const byId = new Map(stored.map((event) => [event.id, event]));
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  for (const event of incoming) {
    const before = byId.get(event.id);
    if (!before) added += 1;
    else if (sameJson(before, event)) unchanged += 1;
    else updated += 1;
    byId.set(event.id, event);
  }
  return { list: [...byId.values()], counts: { added, updated, unchanged } };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortedKeys(a)) === JSON.stringify(sortedKeys(b));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortedKeys(v)]),
    );
  return value;
}

export interface DoraEventStore {
  readonly path: string;
  load(): Promise<DoraEvents>;
  /** Merges and writes; concurrent calls in one process are applied one after another. */
  add(events: DoraEvents): Promise<MergeSummary>;
}

/**
 * Read-merge-write is serialized per file within this process (the serve daemon's POSTs). Two
 * processes importing into one folder at the same instant can still lose one batch: import from
 * one place, or through the daemon.
 */
const queues = new Map<string, Promise<unknown>>();

export function doraEventStore(runsDir: string): DoraEventStore {
  const path = resolve(join(runsDir, DORA_EVENTS_FILE));
  const load = async (): Promise<DoraEvents> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_DORA_EVENTS;
      throw error;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new UserError(`${path}: the DORA event log is not valid JSON (${(error as Error).message})`);
    }
    const parsed = doraEventLogSchema.safeParse(data);
    if (!parsed.success)
      throw new UserError(
        `${path}: not a DORA event log (${DORA_EVENTS_API_VERSION}): ${parsed.error.issues[0]?.message ?? ''}`,
      );
    return { deployments: parsed.data.deployments, incidents: parsed.data.incidents };
  };
  const add = (incoming: DoraEvents): Promise<MergeSummary> => {
    const previous = queues.get(path) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const { events, summary } = mergeDoraEvents(await load(), incoming);
        await mkdir(resolve(runsDir), { recursive: true });
        const log = { apiVersion: DORA_EVENTS_API_VERSION, ...events };
        await writeFileAtomic(path, `${JSON.stringify(log, null, 2)}\n`);
        return summary;
      });
    queues.set(path, next);
    // Forget a finished queue so a long-lived daemon does not hold one promise per folder forever.
    void next
      .finally(() => {
        if (queues.get(path) === next) queues.delete(path);
      })
      .catch(() => undefined);
    return next;
  };
  return { path, load, add };
}
