/** The committed dashboards/generated/*.json are exactly what the sources in dashboards/src produce. */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { GENERATED_DIR, repositoryRoot, staleFiles } from '../../../dashboards/src/generate.js';
import { REGENERATE_COMMAND, renderDashboards } from '../../../dashboards/src/render.js';

const dir = join(repositoryRoot(), GENERATED_DIR);

it('has committed JSON identical, byte for byte, to what the sources generate', () => {
  const present = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const generated = renderDashboards();
  expect(present, `files in ${GENERATED_DIR}; run \`${REGENERATE_COMMAND}\``).toEqual(
    generated.map((f) => f.name).sort(),
  );
  for (const file of generated) {
    const committed = readFileSync(join(dir, file.name), 'utf8');
    // A boolean keeps the failure message short: a diff of 30 kB of JSON helps nobody.
    const same = committed === file.text;
    expect(same, `${GENERATED_DIR}/${file.name} is stale: run \`${REGENERATE_COMMAND}\``).toBe(true);
  }
});

it('renders the same bytes every time (nothing time- or order-dependent)', () => {
  expect(renderDashboards()).toEqual(renderDashboards());
});

it('staleFiles names a changed, a missing and a leftover file', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'dashboards-stale-'));
  try {
    const [first, second, third] = renderDashboards();
    if (!first || !second || !third) throw new Error('expected three dashboards');
    await writeFile(join(scratch, first.name), first.text);
    await writeFile(join(scratch, second.name), second.text.replace('"refId": "A"', '"refId": "Z"'));
    await writeFile(join(scratch, 'renamed-dashboard.json'), '{}\n');
    expect((await staleFiles(scratch)).sort()).toEqual(
      [second.name, third.name, 'renamed-dashboard.json'].sort(),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
