/**
 * --metrics-linger through the built CLI: /metrics stays up after the drill for the time asked, and
 * Ctrl-C then ends the linger (exit code of the drill, record saved) rather than aborting anything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getText } from '../support/http.js';
import { startCli, survivorsAfter } from './cli-process.js';
import { writeShortDrills } from './exporters/short-drills.js';

const dir = mkdtempSync(join(tmpdir(), 'drill-linger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--metrics-linger', () => {
  it('keeps /metrics up after the drill until Ctrl-C, then exits with the drill result', async () => {
    const { passing } = writeShortDrills(dir);
    const run = startCli(
      [
        'run',
        passing,
        '--out',
        join(dir, 'runs'),
        '--json',
        '--metrics-port',
        '0',
        '--metrics-linger',
        '10m',
      ],
      { ownProcessGroup: true },
    );
    await run.waitForStderr('for a last scrape (Ctrl-C ends it)', 90_000);
    const url = /keeping (\S+) up for 10m/.exec(run.stderr())?.[1] ?? '';
    // The drill is over and counted; /metrics still answers.
    expect(await getText(url)).toMatch(/^rollback_drill_in_progress\{[^}]*\} 0$/m);
    const interruptedAt = Date.now();
    process.kill(-(run.child.pid ?? 0), 'SIGINT');
    const code = await run.exited;
    expect(Date.now() - interruptedAt).toBeLessThan(5_000); // not the 10 minutes asked for
    expect(code).toBe(0);
    expect(run.stderr()).toContain('SIGINT received: closing /metrics and exiting');
    expect(JSON.parse(run.stdout())).toMatchObject({ result: 'passed' });
    await expect(getText(url, 1_000)).rejects.toThrow();
    expect(await survivorsAfter(run.marker)).toEqual([]);
  }, 120_000);
});
