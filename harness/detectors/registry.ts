/** One line per detector type: the scenario's `detection.type` picks the adapter. */
import type { DetectionConfig } from '../scenario/schema/detection.js';
import { ArgoStyleDetector } from './argo-style.js';
import { BurnRateDetector } from './burn-rate.js';
import type { Detector } from './port.js';
import { SequentialDetector } from './sequential.js';
import { ThresholdDetector } from './threshold.js';

export function createDetector(config: DetectionConfig): Detector {
  switch (config.type) {
    case 'threshold':
      return new ThresholdDetector(config);
    case 'burn-rate':
      return new BurnRateDetector(config);
    case 'sequential':
      return new SequentialDetector(config);
    case 'argo-style':
      return new ArgoStyleDetector(config);
  }
}
