/** The toxic registry: one line per toxic type. Adding a toxic = one file + one line here. */
import type { ToxicDefinition } from '../toxic.js';
import { bandwidthToxic } from './bandwidth.js';
import { latencyToxic } from './latency.js';
import { limitDataToxic } from './limit-data.js';
import { noopToxic } from './noop.js';
import { resetPeerToxic } from './reset-peer.js';
import { slicerToxic } from './slicer.js';
import { slowCloseToxic } from './slow-close.js';
import { timeoutToxic } from './timeout.js';

const definitions: readonly ToxicDefinition[] = [
  latencyToxic,
  bandwidthToxic,
  slowCloseToxic,
  timeoutToxic,
  resetPeerToxic,
  slicerToxic,
  limitDataToxic,
  noopToxic,
];

const byType = new Map(definitions.map((definition) => [definition.type, definition]));

/** The toxic types the embedded server knows, in Toxiproxy's documentation order. */
export const TOXIC_TYPES = definitions.map((definition) => definition.type);

export function findToxicDefinition(type: string): ToxicDefinition | undefined {
  return byType.get(type);
}
