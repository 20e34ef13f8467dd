import { fileURLToPath } from 'node:url';
import { ScenarioError, type ScenarioIssue } from '../../../harness/core/errors.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));
export const BROKEN = `${FIXTURES}broken/`;

/** The issues a call throws as a ScenarioError; fails the test when it throws anything else or nothing. */
export async function issuesOf(action: () => unknown): Promise<readonly ScenarioIssue[]> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error('expected a ScenarioError, but the scenario was accepted');
}

/** A scenario every test can vary: valid as it is. */
export const MINIMAL_SCENARIO = `apiVersion: rollback-drill/v1
kind: Drill
metadata:
  name: minimal
  service: demo-shop
target:
  type: embedded
traffic:
  type: builtin
  rate: 20
slos:
  availability: 99%
fault:
  type: release
  version: 1.5.0-errors
detection:
  type: threshold
`;
