/** `dora import` and `dora report` through commander, with a recording CliIo and a temporary runs folder. */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerDoraCommand } from '../../../harness/cli/dora.js';
import type { CliIo } from '../../../harness/cli/io.js';
import { ScenarioError } from '../../../harness/core/errors.js';
import type { DoraReport } from '../../../harness/dora/compute.js';
import { makeRunRecord } from '../../support/fixtures.js';

const fixtures = new URL('../../fixtures/dora/', import.meta.url).pathname;

interface Recorded {
  io: CliIo;
  out: () => string;
  err: () => string;
}

function recordingIo(): Recorded {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      setExitCode: () => undefined,
      stderrIsTTY: false,
    },
    out: () => out,
    err: () => err,
  };
}

async function cli(args: string[]): Promise<Recorded> {
  const recorded = recordingIo();
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerDoraCommand(program, recorded.io);
  await program.parseAsync(args, { from: 'user' });
  return recorded;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dora-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rollback-drill dora', () => {
  it('imports a CSV, re-imports it unchanged, and reports the hand-computed figures as JSON', async () => {
    const first = await cli(['dora', 'import', join(fixtures, 'shop-events.csv'), '--runs-dir', dir]);
    expect(first.out()).toContain('8 deployments added, 0 updated, 0 unchanged; 6 incidents added');
    const again = await cli(['dora', 'import', join(fixtures, 'shop-events.json'), '--runs-dir', dir]);
    expect(again.out()).toContain(
      '0 deployments added, 0 updated, 8 unchanged; 0 incidents added, 0 updated, 6 unchanged',
    );

    // A passed drill of shop in the period, saved as `run` would.
    await mkdir(join(dir, 'run-1'));
    await writeFile(join(dir, 'run-1', 'run.json'), JSON.stringify(makeRunRecord()));
    const report = await cli([
      'dora',
      'report',
      '--runs-dir',
      dir,
      '--until',
      '2026-12-01T00:00:00Z',
      '--period',
      '30d',
      '--json',
    ]);
    const parsed = JSON.parse(report.out()) as DoraReport;
    const shop = parsed.services.find((s) => s.service === 'shop');
    expect(shop).toMatchObject({
      deployments: 7,
      failedDeployments: 3,
      recovery: { medianSeconds: 5400, recovered: 3, unrecovered: 0 },
      reworkDeployments: 2,
      level: { overall: 'low' },
      drills: { runs: 1, passed: 1, medianTimeToRecoverSeconds: 7.05 },
    });
    expect(parsed.unlinkedIncidents.map((i) => i.id)).toEqual(['i4', 'p1']);
  });

  it('prints a readable text report for one service', async () => {
    await cli(['dora', 'import', join(fixtures, 'shop-events.json'), '--runs-dir', dir]);
    const report = await cli([
      'dora',
      'report',
      '--runs-dir',
      dir,
      '--until',
      '2026-12-01T00:00:00Z',
      '--service',
      'shop',
    ]);
    const text = report.out();
    expect(text).toContain('shop — LOW (short of the 2024 medium figures on change fail rate)');
    expect(text).toMatch(/deployment frequency\s+1\.63\/week \(7 deployments\)\s+high/);
    expect(text).toMatch(/change fail rate\s+42\.9% \(3 of 7 deployments failed\)\s+low/);
    expect(text).toMatch(/failed deployment recovery time\s+median 1h 30m \(3 recovered\)\s+high/);
    expect(text).toMatch(/deployment rework rate\s+28\.6% \(2 of 7\)/);
    expect(text).toContain(
      'i4 (shop, 2026-11-25T10:00:00.000Z): no deployment of shop finished in the 24 h before it started',
    );
    expect(text).not.toContain('payments');
  });

  it('a longer --link-window links more incidents', async () => {
    await cli(['dora', 'import', join(fixtures, 'shop-events.json'), '--runs-dir', dir]);
    const report = await cli([
      'dora',
      'report',
      '--runs-dir',
      dir,
      '--until',
      '2026-12-01T00:00:00Z',
      '--link-window',
      '6d',
      '--json',
      '--service',
      'shop',
    ]);
    expect((JSON.parse(report.out()) as DoraReport).services[0]?.failedDeployments).toBe(4);
  });

  it('imports nothing from a batch with a bad file and names every problem', async () => {
    await cp(join(fixtures, 'bad-events.csv'), join(dir, 'bad.csv'));
    const error = await cli([
      'dora',
      'import',
      join(fixtures, 'shop-events.json'),
      join(dir, 'bad.csv'),
      '--runs-dir',
      dir,
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toContain('bad.csv:3:20: finishedAt: row 2:');
    const report = await cli(['dora', 'report', '--runs-dir', dir, '--json']);
    expect((JSON.parse(report.out()) as DoraReport).services).toEqual([]);
  });

  it('refuses a period that is not a duration and an --until without a timezone', async () => {
    await expect(cli(['dora', 'report', '--period', 'month'])).rejects.toThrow(/expected a duration/);
    await expect(cli(['dora', 'report', '--until', '2026-12-01 00:00'])).rejects.toThrow(/with a timezone/);
  });
});
