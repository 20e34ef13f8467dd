/**
 * The intent record (`intents.json` in a run's folder), `apiVersion: rollback-drill/intents/v1`:
 * before the harness changes the world it writes, durably, what it is about to change and how to
 * undo it. A drill that finishes writes run.json beside it; a folder with intents but no run.json is
 * a drill that died (kill -9, power loss, OOM) and `rollback-drill recover` undoes what it left.
 * This zod schema is the format's single source; docs/reliability.md describes it for people.
 */
import { z } from 'zod';
import { PHASES, TIMELINE_EVENT_TYPES } from './timeline.js';

export const INTENTS_API_VERSION = 'rollback-drill/intents/v1';
export const INTENTS_FILE = 'intents.json';
/** Set in the harness's environment (so inherited by every process it starts): `<name>=<runId>`. */
export const RUN_ID_ENV = 'ROLLBACK_DRILL_RUN_ID';

const iso = z.string();

/** A process the drill started, identified beyond its pid so a recycled pid is never killed. */
export const trackedProcessSchema = z.object({
  pid: z.int().positive(),
  label: z.string(),
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22); null where unknown. */
  startTicks: z.int().nonnegative().nullable(),
});
export type TrackedProcess = z.output<typeof trackedProcessSchema>;

/** One way to undo something. Recover runs the steps of every action not yet undone, newest first. */
export const undoStepSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('stop-processes'),
    /** Processes the drill started (verified by start time before any signal is sent). */
    pids: z.array(trackedProcessSchema),
  }),
  z.object({
    type: z.literal('restore-target'),
    /** The scenario's target block: recover builds the same adapter and rolls it back if needed. */
    target: z.record(z.string(), z.unknown()),
    stableVersion: z.string(),
  }),
  z.object({ type: z.literal('remove-toxic'), apiUrl: z.string(), proxy: z.string(), toxic: z.string() }),
  z.object({ type: z.literal('remove-proxy'), apiUrl: z.string(), proxy: z.string() }),
  /** Nothing outlives the harness here (e.g. an in-process server); recorded so the reader knows. */
  z.object({ type: z.literal('none'), why: z.string() }),
]);
export type UndoStep = z.output<typeof undoStepSchema>;

export const INTENT_STATUSES = ['intended', 'done', 'failed', 'undone'] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];

export const intentActionSchema = z.object({
  seq: z.int().positive(),
  /** e.g. `target.prepare`, `traffic.start`, `fault.inject`, `target.rollback`, `fault.clear`. */
  action: z.string(),
  phase: z.enum(PHASES),
  summary: z.string(),
  intendedAt: iso,
  /** intended: written, action under way; done/failed: it returned; undone: its undo succeeded. */
  status: z.enum(INTENT_STATUSES),
  settledAt: iso.optional(),
  undo: z.array(undoStepSchema),
});
export type IntentAction = z.output<typeof intentActionSchema>;

/** The timeline so far, so an interrupted run's record still says what happened before the crash. */
export const journaledEventSchema = z.object({
  type: z.enum(TIMELINE_EVENT_TYPES),
  at: iso,
  phase: z.enum(PHASES).optional(),
  message: z.string(),
});
export type JournaledEvent = z.output<typeof journaledEventSchema>;

export const intentsDocumentSchema = z.object({
  apiVersion: z.literal(INTENTS_API_VERSION),
  runId: z.string(),
  harnessVersion: z.string(),
  /** Who wrote this: recover leaves a run alone while this process is alive. */
  harness: z.object({
    pid: z.int().positive(),
    startTicks: z.int().nonnegative().nullable(),
    bootId: z.string().nullable(),
    hostname: z.string(),
    /** Whether RUN_ID_ENV=<runId> was in the harness's environment (inherited by its children). */
    envMarker: z.boolean(),
  }),
  startedAt: iso,
  /** The last write: the harness's last sign of life. */
  updatedAt: iso,
  scenarioFile: z.string().nullable(),
  /** The validated scenario (durations in ms), as the run record keeps it. */
  scenario: z.record(z.string(), z.unknown()),
  /** What the run record needs to describe the drill without its adapters. */
  describe: z.object({
    target: z.object({ kind: z.string(), stableVersion: z.string() }),
    fault: z.object({ kind: z.string(), summary: z.string(), details: z.record(z.string(), z.unknown()) }),
    detector: z.object({
      kind: z.string(),
      settings: z.record(z.string(), z.unknown()),
      observation: z.object({ method: z.string(), resolutionSeconds: z.number() }),
    }),
    decision: z.object({ kind: z.string(), settings: z.record(z.string(), z.unknown()) }),
  }),
  phase: z.enum(PHASES).nullable(),
  /** running → cleaning-up → cleaned-up (every undo ran; only the record was left to write). */
  state: z.enum(['running', 'cleaning-up', 'cleaned-up']),
  actions: z.array(intentActionSchema),
  events: z.array(journaledEventSchema),
});
export type IntentsDocument = z.output<typeof intentsDocumentSchema>;

/** The undo steps still owed, newest action first, each step once. */
export function pendingUndo(
  doc: IntentsDocument,
): { readonly action: IntentAction; readonly step: UndoStep }[] {
  const seen = new Set<string>();
  const steps: { action: IntentAction; step: UndoStep }[] = [];
  for (const action of [...doc.actions].sort((a, b) => b.seq - a.seq)) {
    if (action.status === 'undone') continue;
    for (const step of action.undo) {
      if (step.type === 'none') continue;
      const key = JSON.stringify(step);
      if (seen.has(key)) continue;
      seen.add(key);
      steps.push({ action, step });
    }
  }
  return steps;
}
