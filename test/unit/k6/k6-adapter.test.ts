/**
 * The k6 traffic adapter's plumbing — script written, k6 started with --out json, the file followed
 * into samples and outcomes, SIGINT on stop, the summary read, everything cleaned up — with the k6
 * process replaced at its launch seam by a replay that appends k6-format lines (per
 * shared/reference/k6.md). This is not k6: no k6 binary exists here, and docs/k6.md says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { UserError } from '../../../harness/core/errors.js';
import { k6TrafficConfig } from '../../../harness/scenario/schema/traffic.js';
import { createK6Traffic, type K6Command, type K6Launcher } from '../../../harness/traffic/k6.js';
import type { TrafficGenerator } from '../../../harness/traffic/port.js';
import type { RequestOutcome, SliSample } from '../../../harness/traffic/sli.js';

const generators: TrafficGenerator[] = [];
const timers: NodeJS.Timeout[] = [];
afterEach(async () => {
  for (const timer of timers.splice(0)) clearInterval(timer);
  await Promise.all(generators.splice(0).map((g) => g.stop()));
});

const argAfter = (command: K6Command, flag: string): string =>
  command.args[command.args.indexOf(flag) + 1] ?? '';

/** Appends 10 requests every 100 ms (every 10th a 500) until SIGINT; then writes a summary export. */
function replay(seen: K6Command[], written: { requests: number; failures: number }): K6Launcher {
  return (command) => {
    seen.push(command);
    const out = argAfter(command, '--out').replace(/^json=/, '');
    const summary = argAfter(command, '--summary-export');
    let resolveExit: (exit: { code: number | null; signal: NodeJS.Signals | null }) => void = () => undefined;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (r) => (resolveExit = r),
    );
    let writing = appendFile(
      out,
      '{"type":"Metric","data":{"name":"http_req_duration","type":"trend"},"metric":"http_req_duration"}\n',
    );
    const timer = setInterval(() => {
      const time = new Date().toISOString();
      const lines: string[] = [];
      for (let i = 0; i < 10; i++) {
        const failed = (written.requests + i) % 10 === 9;
        const tags = JSON.stringify({
          expected_response: String(!failed),
          method: 'GET',
          name: 'GET /api/products',
          scenario: 'drill',
          status: failed ? '500' : '200',
        });
        lines.push(
          `{"type":"Point","data":{"time":"${time}","value":${5 + i},"tags":${tags}},"metric":"http_req_duration"}`,
        );
        lines.push(
          `{"type":"Point","data":{"time":"${time}","value":${failed ? 1 : 0},"tags":${tags}},"metric":"http_req_failed"}`,
        );
        if (failed) written.failures += 1;
      }
      written.requests += 10;
      writing = writing.then(() => appendFile(out, `${lines.join('\n')}\n`));
    }, 100);
    timers.push(timer);
    return {
      kill(signal) {
        clearInterval(timer);
        void writing
          .then(() =>
            writeFile(
              summary,
              JSON.stringify({
                metrics: {
                  http_reqs: { count: written.requests, rate: 100 },
                  http_req_failed: {
                    value: 0.1,
                    passes: written.failures,
                    fails: written.requests - written.failures,
                    thresholds: { 'rate<=0.005': true },
                  },
                },
              }),
            ),
          )
          .then(() =>
            resolveExit(signal === 'SIGINT' ? { code: 105, signal: null } : { code: null, signal }),
          );
      },
      exited,
      output: () => 'running (replay)',
    };
  };
}

function context(): AdapterContext & { logs: string[] } {
  const logs: string[] = [];
  return { clock: new SystemClock(), signal: new AbortController().signal, log: (m) => logs.push(m), logs };
}

describe('k6 traffic adapter', () => {
  it('runs k6 with --out json, follows it into samples and outcomes, and stops it with SIGINT', async () => {
    const seen: K6Command[] = [];
    const written = { requests: 0, failures: 0 };
    const traffic = createK6Traffic(
      k6TrafficConfig.parse({ type: 'k6', rate: 100, requests: [{ path: '/api/products' }] }),
      {
        slos: { availability: 0.995, latency: [] },
        scenarioName: 'replayed',
        maxDurationMs: 600_000,
        launch: replay(seen, written),
        resolveBinary: () => '/opt/k6/k6',
      },
    );
    generators.push(traffic);
    const samples: SliSample[] = [];
    const outcomes: RequestOutcome[] = [];
    const ctx = context();
    await traffic.start(
      new URL('http://127.0.0.1:9/'),
      { sample: (s) => samples.push(s), outcome: (o) => outcomes.push(o) },
      ctx,
    );

    const command = seen[0] as K6Command;
    expect(command.binary).toBe('/opt/k6/k6');
    expect(command.args.slice(0, 5)).toEqual(['run', '--quiet', '--no-color', '--address', '127.0.0.1:0']);
    expect(command.args).toContain('BASE_URL=http://127.0.0.1:9/');
    expect(command.args).toContain('DRILL_DURATION=600s');
    expect(command.env.K6_NO_USAGE_REPORT).toBe('true');
    const script = readFileSync(command.args.at(-1) ?? '', 'utf8');
    expect(script).toContain('"http_req_failed":["rate<=0.005"]');
    expect(script).toContain("executor: 'constant-arrival-rate'");

    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(samples.length).toBeGreaterThan(0); // seconds are emitted while k6 runs, 2 s late at most
    await traffic.stop();
    const counted = samples.reduce((n, s) => n + s.requests, 0);
    const failed = samples.reduce((n, s) => n + s.errors, 0);
    expect(counted).toBe(written.requests);
    expect(failed).toBe(written.failures);
    expect(samples.every((s) => s.errors === (s.errorsByClass.http_5xx ?? 0))).toBe(true);
    expect(outcomes).toHaveLength(written.requests);
    expect(ctx.logs.join('\n')).toMatch(
      /k6 summary: \d+ requests, \d+ failed \(10\.00%\); thresholds crossed: http_req_failed rate<=0\.005/,
    );
    expect(traffic.describe()).toMatchObject({ type: 'k6', summary: { requests: written.requests } });
    expect(existsSync(command.cwd)).toBe(false); // its temporary folder is gone
  });

  it('a k6 that exits before sending traffic fails the start with what it said', async () => {
    const traffic = createK6Traffic(k6TrafficConfig.parse({ type: 'k6', rate: 10 }), {
      resolveBinary: () => '/opt/k6/k6',
      launch: () => ({
        kill: () => undefined,
        exited: Promise.resolve({ code: 107, signal: null }),
        output: () => 'ERRO[0000] SyntaxError: Unexpected token at drill.js:12',
      }),
    });
    generators.push(traffic);
    await expect(traffic.start(new URL('http://127.0.0.1:9/'), {}, context())).rejects.toThrow(
      /k6 exited before sending traffic \(exit code 107: the script threw an exception\): ERRO\[0000\] SyntaxError/,
    );
  });

  it('a missing k6 binary is a user error naming what to do, raised when the adapter is created', () => {
    const create = (): unknown =>
      createK6Traffic(k6TrafficConfig.parse({ type: 'k6', rate: 10, binary: 'k6-not-installed-here' }));
    expect(create).toThrow(UserError);
    expect(create).toThrow(
      /the k6 program "k6-not-installed-here" was not found on PATH[\s\S]*traffic\.type: builtin[\s\S]*rollback-drill k6 FILE/,
    );
  });
});
