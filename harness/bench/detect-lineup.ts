/**
 * The detectors the benchmark compares, each built the way a scenario file would build it (through
 * the schema, so defaults are the shipped defaults) and through the registry.
 */
import type { Detector } from '../detectors/port.js';
import { createDetector } from '../detectors/registry.js';
import { detectionConfig } from '../scenario/schema/detection.js';
import type { SeededRandom } from './detect-random.js';

export interface BenchDetector {
  readonly id: string;
  /** How the table names it, with its settings. */
  readonly label: string;
  /** The designed false-alarm rate per hour, for detectors that have one as a setting. */
  readonly falseAlarmsPerHourSetting: number | null;
  /** Watches error streams only (not applicable to a pure latency regression). */
  readonly errorsOnly: boolean;
  /** A fresh detector for one watch; `random` places an analysis's measurement grid. */
  create(random: SeededRandom): Detector;
}

function fromYaml(block: Record<string, unknown>): Detector {
  return createDetector(detectionConfig.parse(block));
}

/** Argo's measurements start when the analysis does; relative to the fault that is a random phase. */
function argoStyle(scrapeInterval: string) {
  return (random: SeededRandom): Detector =>
    fromYaml({
      type: 'argo-style',
      interval: '10s',
      window: '1m',
      failureLimit: 0,
      scrapeInterval,
      initialDelay: `${Math.floor(random.next() * 10_000)}ms`,
    });
}

export const BENCH_LINEUP: readonly BenchDetector[] = [
  {
    id: 'threshold',
    label: 'threshold (5s window, minRequests 20)',
    falseAlarmsPerHourSetting: null,
    errorsOnly: false,
    create: () => fromYaml({ type: 'threshold' }),
  },
  {
    id: 'burn-rate',
    label: 'burn-rate (14.4x 1m/5s, 6x 6m/30s)',
    falseAlarmsPerHourSetting: null,
    errorsOnly: true,
    create: () => fromYaml({ type: 'burn-rate' }),
  },
  {
    id: 'sequential',
    label: 'sequential (1 false alarm per 1000 h)',
    falseAlarmsPerHourSetting: 0.001,
    errorsOnly: false,
    create: () => fromYaml({ type: 'sequential', falseAlarmsPerHour: 0.001 }),
  },
  {
    id: 'sequential-1ph',
    label: 'sequential (1 false alarm per hour)',
    falseAlarmsPerHourSetting: 1,
    errorsOnly: false,
    create: () => fromYaml({ type: 'sequential', falseAlarmsPerHour: 1 }),
  },
  {
    id: 'argo-style',
    label: 'argo-style (10s interval, rate[1m], failureLimit 0, 15s scrape)',
    falseAlarmsPerHourSetting: null,
    errorsOnly: false,
    create: argoStyle('15s'),
  },
  {
    id: 'argo-style-fresh',
    label: 'argo-style, fresh data (no scrape lag: optimistic)',
    falseAlarmsPerHourSetting: null,
    errorsOnly: false,
    create: argoStyle('0s'),
  },
];
