/**
 * The CLI around k6: `rollback-drill run` with traffic.type k6 and no k6 installed exits 2 with a clear
 * message (through main(), as the CLI runs it) before anything starts; `rollback-drill k6 FILE` writes
 * the script.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { k6Command, registerK6Command } from '../../../harness/cli/k6.js';
import { main } from '../../../harness/cli/main.js';
import type { CliIo } from '../../../harness/cli/io.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'k6-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function captureIo(): CliIo & { out: string; err: string; code: number | undefined } {
  const io = {
    out: '',
    err: '',
    code: undefined as number | undefined,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    setExitCode: (c: number) => void (io.code = c),
    stderrIsTTY: false,
  };
  return io;
}

const K6_SCENARIO = readFileSync(join(REPO, 'scenarios/demo-bad-release.yaml'), 'utf8').replace(
  /traffic:\n {2}type: builtin\n {2}rate: 50.*\n/,
  'traffic:\n  type: k6\n  rate: 50\n',
);

describe('rollback-drill run with traffic.type k6 and no k6 binary', () => {
  it('exits 2 with what to do, not a crash, and starts nothing', async () => {
    expect(K6_SCENARIO).toContain('type: k6');
    const file = join(folder, 'k6-drill.yaml');
    writeFileSync(file, K6_SCENARIO);
    const runs = join(folder, 'runs');
    const io = captureIo();
    const path = process.env.PATH;
    process.env.PATH = join(folder, 'no-binaries-here');
    let code: number;
    try {
      code = await main(['run', file, '--out', runs, '--no-otel'], io);
    } finally {
      process.env.PATH = path;
    }
    expect(code).toBe(2);
    expect(io.err).toMatch(/^error: traffic\.type k6: the k6 program "k6" was not found on PATH/m);
    expect(io.err).toMatch(/Install k6 \(https:\/\/grafana\.com\/docs\/k6\/latest\/set-up\/install-k6\/\)/);
    expect(io.err).not.toMatch(/internal error|at .*\.ts:\d+/);
    // No drill ran: no record was written.
    const written = readdirSync(runs, { recursive: true }).map(String);
    expect(written.filter((f) => f.endsWith('run.json'))).toEqual([]);
  });
});

describe('rollback-drill k6 FILE', () => {
  it('writes the script with -o and says what is in it', async () => {
    const io = captureIo();
    const out = join(folder, 'drill.js');
    const code = await k6Command(join(REPO, 'scenarios/demo-bad-release.yaml'), { output: out }, io);
    expect(code).toBe(0);
    const script = readFileSync(out, 'utf8');
    expect(script).toMatch(/^\/\/ @ts-check\n\/\/ k6 script for the rollback drill "demo-bad-release"/);
    expect(script).toContain(`rate: 50,`);
    expect(io.err).toBe(
      `wrote ${out}: constant-arrival-rate 50 req/s (converted from the builtin traffic block); thresholds: ` +
        'http_req_failed rate<=0.005; http_req_duration p(95)<=200; no default BASE_URL: pass -e BASE_URL=…\n',
    );
  });

  it("prints to stdout, with the target's baseUrl as the default BASE_URL and the duration given", async () => {
    const io = captureIo();
    const program = new Command().exitOverride();
    registerK6Command(program, io);
    await program.parseAsync(
      ['k6', join(REPO, 'scenarios/templates/symlink-switch.yaml'), '--duration', '10m'],
      { from: 'user' },
    );
    expect(io.code).toBe(0);
    expect(io.out).toContain(`const BASE_URL = (__ENV.BASE_URL || "http://127.0.0.1:8080").replace(`);
    expect(io.out).toContain(`const DURATION = __ENV.DRILL_DURATION || "600s";`);
  });
});
