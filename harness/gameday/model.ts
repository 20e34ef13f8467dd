/**
 * The game-day file, `apiVersion: rollback-drill/gameday/v1`: several drills run one after another,
 * or side by side in parallel groups where their targets differ, with one combined report.
 *
 *   drills:
 *     - scenario: demo-bad-release.yaml        # paths are relative to the game-day file
 *     - parallel:
 *         - scenario: demo-latency-release.yaml
 *         - scenario: demo-crashing-release.yaml
 */
import { z } from 'zod';
import type { Scenario } from '../scenario/model.js';

export const GAMEDAY_API_VERSION = 'rollback-drill/gameday/v1';

const name = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'expected a lowercase name of letters, digits and dashes (max 63)',
  );

const scenarioRef = z.strictObject({
  scenario: z.string().min(1).meta({ description: 'a scenario file, relative to this game-day file' }),
});

const parallelGroup = z.strictObject({
  parallel: z
    .array(scenarioRef)
    .min(2, 'a parallel group needs at least two scenarios (a single one is just `- scenario: FILE`)')
    .meta({ description: 'drills run at the same time; their targets must differ' }),
});

export const gamedaySchema = z.strictObject({
  apiVersion: z.literal(GAMEDAY_API_VERSION, { error: `expected apiVersion: ${GAMEDAY_API_VERSION}` }),
  kind: z.literal('GameDay', { error: 'expected kind: GameDay' }),
  metadata: z.strictObject({
    name: name.meta({ description: "the game day's name, used in its report's folder" }),
    description: z.string().optional(),
    team: z.string().min(1).optional(),
  }),
  continueOnFailure: z.boolean().default(true).meta({
    description: 'keep going after a drill fails or aborts (default true); false stops after that step',
  }),
  drills: z
    .array(z.union([scenarioRef, parallelGroup], { error: 'expected `scenario: FILE` or `parallel: [...]`' }))
    .min(1, 'expected at least one drill')
    .meta({ description: 'in order; a parallel group runs its drills at the same time' }),
});

export type GamedayFile = z.output<typeof gamedaySchema>;

/** One drill of a game day, its scenario loaded and validated. */
export interface GamedayDrill {
  /** The path as written in the game-day file. */
  readonly ref: string;
  /** The path resolved against the game-day file's folder. */
  readonly file: string;
  readonly scenario: Scenario;
}

/** A validated game day: steps in order, each one drill or several run in parallel. */
export interface GamedayPlan {
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly continueOnFailure: boolean;
  readonly steps: readonly (readonly GamedayDrill[])[];
}
