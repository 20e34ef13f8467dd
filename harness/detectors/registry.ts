/** One line per detector type: the scenario's `detection.type` picks the adapter. */
import type { DetectionConfig } from '../scenario/schema/detection.js';
import { AlertmanagerDetector } from './alertmanager.js';
import { ArgoStyleDetector } from './argo-style.js';
import { BurnRateDetector } from './burn-rate.js';
import { ManualDetector } from './manual.js';
import type { Detector } from './port.js';
import { PrometheusDetector } from './prometheus.js';
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
    case 'prometheus':
      return new PrometheusDetector(config);
    case 'alertmanager':
      return new AlertmanagerDetector(config);
    case 'manual':
      return new ManualDetector(config);
  }
}
