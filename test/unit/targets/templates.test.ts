/**
 * Every template in scenarios/templates/ is a valid scenario and says, in its header, how it was
 * verified — and which target it uses matches what docs/targets.md says about it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../harness/scenario/load.js';

const TEMPLATES = fileURLToPath(new URL('../../../scenarios/templates/', import.meta.url));
const files = readdirSync(TEMPLATES).filter((name) => name.endsWith('.yaml'));
const docs = readFileSync(fileURLToPath(new URL('../../../docs/targets.md', import.meta.url)), 'utf8');

describe('scenario templates', () => {
  it('ship the six platforms the docs promise', () => {
    expect(files.sort()).toEqual([
      'argo-rollouts.yaml',
      'argocd-gitops.yaml',
      'feature-flag-http.yaml',
      'helm-rollback.yaml',
      'kubernetes-rollout.yaml',
      'symlink-switch.yaml',
    ]);
  });

  for (const file of files) {
    it(`${file} is valid, uses a staging target, and says how it was verified`, async () => {
      const path = join(TEMPLATES, file);
      const { scenario, source } = await loadScenarioFile(path);
      expect(['command', 'http']).toContain(scenario.target.type);
      const header = source
        .split('\n')
        .filter((line) => line.startsWith('#'))
        .join('\n');
      expect(header).toMatch(/# Verified: /);
      expect(docs).toContain(`scenarios/templates/${file}`);
    });
  }
});
