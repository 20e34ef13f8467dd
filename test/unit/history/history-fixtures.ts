/** Run records with chosen results and measurements, written to a temporary runs directory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord, RunResult } from '../../../harness/store/run-record.js';
import { makeRunRecord } from '../../support/fixtures.js';

export interface RunSpec {
  readonly id: string;
  readonly service: string;
  readonly scenario?: string;
  readonly startedAt: string;
  readonly result: RunResult;
  readonly detect: number | null;
  readonly decide: number | null;
  readonly rollback: number | null;
  readonly recover: number | null;
  readonly rollbackSucceeded: boolean;
}

export function recordFor(spec: RunSpec): RunRecord {
  return makeRunRecord({
    runId: spec.id,
    scenario: { name: spec.scenario ?? `${spec.service}-bad-release`, service: spec.service },
    startedAt: spec.startedAt,
    result: spec.result,
    measurements: {
      timeToDetectSeconds: spec.detect,
      timeToDecideSeconds: spec.decide,
      timeToRollbackSeconds: spec.rollback,
      timeToRecoverSeconds: spec.recover,
      rollbackSucceeded: spec.rollbackSucceeded,
    },
  });
}

export function writeRecord(runsDir: string, record: RunRecord, folder = record.runId): string {
  const dir = join(runsDir, folder);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'run.json');
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

/**
 * Hand-computed expectations (docs in history-stats.test.ts):
 * shop: 4 runs (2 passed, 1 failed, 1 aborted); api: 1 passed run.
 */
export const SHOP_AND_API: readonly RunSpec[] = [
  {
    id: '20261101T100000Z-shop-bad-release-0001',
    service: 'shop',
    startedAt: '2026-11-01T10:00:00.000Z',
    result: 'passed',
    detect: 1,
    decide: 0,
    rollback: 2,
    recover: 5,
    rollbackSucceeded: true,
  },
  {
    id: '20261105T100000Z-shop-bad-release-0002',
    service: 'shop',
    startedAt: '2026-11-05T10:00:00.000Z',
    result: 'passed',
    detect: 3,
    decide: 0.5,
    rollback: 1,
    recover: 4,
    rollbackSucceeded: true,
  },
  {
    id: '20261110T100000Z-shop-bad-release-0003',
    service: 'shop',
    startedAt: '2026-11-10T10:00:00.000Z',
    result: 'failed',
    detect: 2,
    decide: 1,
    rollback: 10,
    recover: null,
    rollbackSucceeded: false,
  },
  {
    id: '20261115T100000Z-shop-bad-release-0004',
    service: 'shop',
    startedAt: '2026-11-15T10:00:00.000Z',
    result: 'aborted',
    detect: 4,
    decide: null,
    rollback: null,
    recover: null,
    rollbackSucceeded: false,
  },
  {
    id: '20261120T100000Z-api-bad-release-0005',
    service: 'api',
    startedAt: '2026-11-20T10:00:00.000Z',
    result: 'passed',
    detect: 6,
    decide: 0,
    rollback: 3,
    recover: 8,
    rollbackSucceeded: true,
  },
];
