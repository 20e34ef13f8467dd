/** SIGINT during the fault: the drill aborts, cleans up, writes its record, and leaves nothing running. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRecordSchema } from '../../harness/store/run-record.js';
import { processesWithMarker, startCli, survivorsAfter } from './cli-process.js';

const outDir = mkdtempSync(join(tmpdir(), 'drill-sigint-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('interrupting a drill', () => {
  it('Ctrl-C (SIGINT to the process group) during the fault aborts with exit 3, restores the stable version and stops every process', async () => {
    const run = startCli(['run', 'scenarios/demo-bad-release.yaml', '--out', outDir], {
      ownProcessGroup: true,
    });
    await run.waitForStderr('fault in effect', 60_000);
    expect(processesWithMarker(run.marker).length).toBeGreaterThan(1); // the CLI and its demo processes
    const interruptedAt = Date.now();
    process.kill(-(run.child.pid ?? 0), 'SIGINT'); // like a terminal: the CLI and the demo processes it started
    const code = await run.exited;
    expect(Date.now() - interruptedAt).toBeLessThan(10_000);
    expect(code).toBe(3);
    const [runId] = readdirSync(outDir);
    const record = runRecordSchema.parse(
      JSON.parse(readFileSync(join(outDir, String(runId), 'run.json'), 'utf8')),
    );
    expect(record.result).toBe('aborted');
    expect(record.reason).toBe('interrupted by SIGINT');
    expect(record.target.versionAfterRun).toBe('1.4.2');
    expect(record.timeline.filter((e) => e.type === 'cleanup.failed')).toEqual([]);
    expect(await survivorsAfter(run.marker)).toEqual([]);
  });
});
