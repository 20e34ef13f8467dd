/**
 * runProcess with real processes: argv without a shell, exit codes, bounded output, timeouts that
 * kill the whole process group (grandchildren too), a missing program, aborts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../harness/core/clock.js';
import { OUTPUT_TAIL_BYTES, runProcess } from '../../../harness/targets/command-process.js';

const clock = new SystemClock();
const folders: string[] = [];
const pids: number[] = [];
afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const node = process.execPath;
const spec = (argv: string[], extra: Partial<Parameters<typeof runProcess>[0]> = {}) => ({
  argv,
  cwd: tmpdir(),
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  timeoutMs: 20_000,
  ...extra,
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runProcess', () => {
  it('runs argv without a shell: metacharacters reach the program as plain text', async () => {
    const result = await runProcess(
      spec([node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '$HOME', '; rm -rf /', '`id`']),
      clock,
      new AbortController().signal,
    );
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout.text)).toEqual(['$HOME', '; rm -rf /', '`id`']);
  });

  it('reports the exit code, stderr, working directory and environment', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cmd-'));
    folders.push(folder);
    const result = await runProcess(
      spec(
        [
          node,
          '-e',
          'console.log(process.cwd(), process.env.GREETING); console.error("bad"); process.exit(3)',
        ],
        {
          cwd: folder,
          env: { GREETING: 'hello' },
        },
      ),
      clock,
      new AbortController().signal,
    );
    expect(result.exitCode).toBe(3);
    expect(result.timedOut).toBe(false);
    expect(result.stdout.text.trim()).toBe(`${folder} hello`);
    expect(result.stderr.text.trim()).toBe('bad');
  });

  it('keeps only the last 64 KiB of a large output, and counts all of it', async () => {
    const result = await runProcess(
      spec([
        node,
        '-e',
        'for (let i = 0; i < 4000; i++) process.stdout.write(`line ${String(i).padStart(5, "0")} ${"x".repeat(80)}\\n`)',
      ]),
      clock,
      new AbortController().signal,
    );
    expect(result.stdout.totalBytes).toBe(4000 * 92);
    expect(Buffer.byteLength(result.stdout.text)).toBeLessThanOrEqual(OUTPUT_TAIL_BYTES);
    expect(Buffer.byteLength(result.stdout.text)).toBeGreaterThan(OUTPUT_TAIL_BYTES - 92);
    expect(result.stdout.text.trimEnd().endsWith(`line 03999 ${'x'.repeat(80)}`)).toBe(true);
  });

  it('on timeout kills the whole process group, grandchildren included', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cmd-'));
    folders.push(folder);
    const pidFile = join(folder, 'grandchild.pid');
    // The child starts a grandchild that would sleep 60 s, records its pid, then hangs itself.
    const script = `
      const { spawn } = require('node:child_process');
      const g = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      setTimeout(() => {}, 60000);`;
    const started = Date.now();
    const result = await runProcess(
      spec([node, '-e', script], { timeoutMs: 1_500 }),
      clock,
      new AbortController().signal,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGTERM');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    pids.push(grandchild);
    const deadline = Date.now() + 5_000;
    while (alive(grandchild) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(grandchild)).toBe(false);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const result = await runProcess(
      spec(
        [node, '-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'],
        {
          timeoutMs: 1_000,
        },
      ),
      clock,
      new AbortController().signal,
    );
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.durationMs).toBeGreaterThanOrEqual(2_900);
  });

  it('a program that does not exist is a result, not a crash', async () => {
    const result = await runProcess(spec(['surely-not-a-program-7f3a']), clock, new AbortController().signal);
    expect(result.exitCode).toBeNull();
    expect(result.startError).toMatch(/cannot run surely-not-a-program-7f3a: no such program on PATH/);
  });

  it('an abort kills the process and rejects', async () => {
    const abort = new AbortController();
    const folder = mkdtempSync(join(tmpdir(), 'cmd-'));
    folders.push(folder);
    const marker = join(folder, 'started');
    const running = runProcess(
      spec([
        node,
        '-e',
        `require('node:fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid)); setTimeout(() => {}, 60000)`,
      ]),
      clock,
      abort.signal,
    );
    const deadline = Date.now() + 10_000;
    while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const pid = Number(readFileSync(marker, 'utf8'));
    pids.push(pid);
    abort.abort(new Error('drill interrupted'));
    await expect(running).rejects.toThrow('drill interrupted');
    expect(alive(pid)).toBe(false);
  });
});
