/** Grafana provisioning files: a Prometheus data source and a file provider for the generated dashboards. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { repositoryRoot } from '../../../dashboards/src/generate.js';

const dir = join(repositoryRoot(), 'dashboards', 'provisioning');
const load = (sub: string): Record<string, unknown>[] =>
  readdirSync(join(dir, sub))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => parse(readFileSync(join(dir, sub, name), 'utf8')) as Record<string, unknown>);

it('provides one default Prometheus data source', () => {
  const files = load('datasources');
  expect(files).toHaveLength(1);
  expect(files[0]).toMatchObject({
    apiVersion: 1,
    datasources: [{ type: 'prometheus', access: 'proxy', isDefault: true, uid: 'rollback-drill-prometheus' }],
  });
});

it('loads the generated dashboards from a file provider into one folder, read-only', () => {
  const files = load('dashboards');
  expect(files).toHaveLength(1);
  expect(files[0]).toMatchObject({
    apiVersion: 1,
    providers: [
      {
        name: 'rollback-drill',
        type: 'file',
        folder: 'Rollback drills',
        allowUiUpdates: false,
        options: { path: expect.stringMatching(/^\/.+/) as unknown },
      },
    ],
  });
});

it('names the provider path in docs/dashboards.md so the setup steps match the file', () => {
  const provider = (load('dashboards')[0] as { providers: { options: { path: string } }[] }).providers[0];
  const docs = readFileSync(join(repositoryRoot(), 'docs', 'dashboards.md'), 'utf8');
  expect(docs).toContain(provider?.options.path ?? 'a provider path');
});
