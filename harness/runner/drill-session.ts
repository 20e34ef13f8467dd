/**
 * What one drill's phases share: the adapters, the clock, the timeline, the traffic fan-out, the
 * cleanup stack, the intent journal, the drill's abort signal, and what each phase learned for the
 * record. The phases (drill-phases-*.ts) read and fill it in order; run-drill.ts owns its life.
 */
import type { AdapterContext, ObservationResolution } from '../core/adapter-context.js';
import type { Clock } from '../core/clock.js';
import type { DecisionMaker } from '../decisions/port.js';
import type { Detector } from '../detectors/port.js';
import type { Fault } from '../faults/port.js';
import type { Scenario } from '../scenario/model.js';
import type { Target } from '../targets/port.js';
import type { TrafficGenerator } from '../traffic/port.js';
import { CleanupStack } from './cleanup-stack.js';
import { DrillJournal } from './intents-drill.js';
import type { DrillAdapters } from './run-drill.js';
import { Timeline, type PhaseName } from './timeline.js';
import { TrafficFanout } from './traffic-fanout.js';

export class DrillSession {
  readonly target: Target;
  readonly fault: Fault;
  readonly traffic: TrafficGenerator;
  readonly detector: Detector;
  readonly decisionMaker: DecisionMaker;
  readonly timeline: Timeline;
  readonly fanout = new TrafficFanout();
  readonly cleanup: CleanupStack;
  /** Aborts every phase: an external signal, a stop condition. */
  readonly abort = new AbortController();
  /** Phases that timed out or failed, in order; the first is the record's reason. */
  readonly phaseFailures: string[] = [];
  /** Disabled until run-drill opens it (the journal follows phases in the background). */
  journal = DrillJournal.disabled();

  // Intents whose undo changes as the drill goes, and what cleanup confirmed.
  prepareIntent: number | null = null;
  faultIntent: number | null = null;
  faultCleared = false;

  // What the phases observed, for the record.
  faultObservation: ObservationResolution | null = null;
  rollbackObservation: ObservationResolution | null = null;
  versionAfterRollback: string | null = null;
  versionAfterRun: string | null = null;

  constructor(
    readonly scenario: Scenario,
    readonly clock: Clock,
    adapters: DrillAdapters,
    /** Adapters' progress lines, already redacted. */
    readonly log: (message: string) => void,
    private readonly run: { readonly id: string; readonly folder: string } | undefined,
  ) {
    this.target = adapters.target;
    this.fault = adapters.fault;
    this.traffic = adapters.traffic;
    this.detector = adapters.detector;
    this.decisionMaker = adapters.decision;
    this.timeline = new Timeline(clock);
    this.cleanup = new CleanupStack(clock);
  }

  /** What an adapter call gets: the clock, a signal (the drill's unless a phase narrows it), the log. */
  context(signal: AbortSignal = this.abort.signal): AdapterContext {
    return { clock: this.clock, signal, log: this.log, ...(this.run ? { run: this.run } : {}) };
  }

  /** Runs `work` between the phase's started and ended events. */
  async phase<T>(name: PhaseName, work: () => Promise<T>): Promise<T> {
    // The journal follows phases in the background: nothing between the fault and the detector's
    // subscription may wait on a disk write, or a sample could pass unseen.
    this.timeline.record('phase.started', `${name} started`, { phase: name });
    try {
      return await work();
    } finally {
      this.timeline.record('phase.ended', `${name} ended`, { phase: name });
    }
  }
}
