/**
 * What the safety e2e tests drill: the demo shop with a network fault that arrives with a release
 * (the candidate routes payments through a proxy whose reset_peer toxic makes checkouts fail), driven
 * on a standalone `rollback-drill toxiproxy` server — so the toxic and the proxy outlive a killed
 * harness, as they would on a team's shared Toxiproxy. Short phases keep each drill to ~10 s; the
 * SLOs are loose so a busy CI machine cannot fail the baseline (checkout errors, ~28% of requests, are
 * what is detected).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Toxiproxy } from 'toxiproxy-node-client';
import { runRecordSchema, type RunRecord } from '../../../harness/store/run-record.js';
import { freePort } from '../../support/free-port.js';
import { waitReady } from '../../support/wait.js';
import { REPO_ROOT, startCli, type CliRun } from '../cli-process.js';

export const DRILL_PROXY = 'drill-payments';
export const DRILL_TOXIC = 'rollback-drill-reset_peer-upstream';

export interface StandaloneToxiproxy {
  readonly url: string;
  readonly run: CliRun;
  /** Proxy name → toxic names, as the server has them now. */
  state(): Promise<Record<string, string[]>>;
  stop(): Promise<void>;
}

/** `rollback-drill toxiproxy` on a free port, with a proxy and toxic of "another team" on it. */
export async function startStandaloneToxiproxy(): Promise<StandaloneToxiproxy> {
  const port = await freePort();
  const run = startCli(['toxiproxy', '--port', String(port)]);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/version`, { timeoutMs: 20_000, description: 'rollback-drill toxiproxy' });
  const client = new Toxiproxy(url);
  const theirs = await client.createProxy({
    name: 'team-orders',
    listen: '127.0.0.1:0',
    upstream: '127.0.0.1:9',
  });
  await theirs.addToxic({
    name: 'team-toxic',
    type: 'latency',
    stream: 'upstream',
    toxicity: 1,
    attributes: { latency: 5 },
  });
  return {
    url,
    run,
    state: async () => {
      const proxies = (await (await fetch(`${url}/proxies`)).json()) as Record<
        string,
        { toxics: { name: string }[] }
      >;
      return Object.fromEntries(
        Object.entries(proxies).map(([name, proxy]) => [name, proxy.toxics.map((t) => t.name).sort()]),
      );
    },
    stop: async () => {
      run.child.kill('SIGTERM');
      await run.exited;
    },
  };
}

export interface DrillOptions {
  readonly decisionDelay?: string;
  readonly abort?: string;
}

/** Where the embedded server's proxy listens, as the drill logs it ("created proxy NAME HOST:PORT → …"). */
export function proxyListenIn(stderr: string): { host: string; port: number } | undefined {
  const match = / created proxy \S+ (127\.0\.0\.1):(\d+) → /.exec(stderr);
  return match ? { host: String(match[1]), port: Number(match[2]) } : undefined;
}

/** Writes the scenario into a fresh folder; returns its path and the runs folder beside it. */
/** `toxiproxyUrl` undefined: the drill runs its own embedded Toxiproxy server, inside the harness. */
export function writeToxicDrill(
  toxiproxyUrl: string | undefined,
  options: DrillOptions = {},
): { scenario: string; runsDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'safety-e2e-'));
  const scenario = join(dir, 'toxic-release.yaml');
  writeFileSync(
    scenario,
    `apiVersion: rollback-drill/v1
kind: Drill
metadata: { name: safety-toxic-release, service: demo-shop, environment: test, team: safety }
target: { type: embedded, stableVersion: 1.4.2 }
traffic:
  type: builtin
  rate: 50
  timeout: 2s
  requests:
    - { method: GET, path: /api/products, weight: 5 }
    - { method: POST, path: /api/checkout, weight: 2, body: { cartId: demo } }
slos:
  availability: 98%
  latency: [{ percentile: 95, threshold: 3s }]
fault:
  type: toxic
  dependency: payments
  release: { version: 1.5.0-mesh }
  proxy: { name: ${DRILL_PROXY} }
  toxic: { type: reset_peer, stream: upstream, attributes: { timeout: 0 } }
${toxiproxyUrl ? `  toxiproxy: { url: "${toxiproxyUrl}" }` : ''}
detection: { type: threshold, window: 3s, minRequests: 20 }
decision: { type: auto, delay: ${options.decisionDelay ?? '1s'} }
phases:
  baseline: { duration: 4s }
  detection: { timeout: 1m }
  decision: { timeout: 1m }
  rollback: { timeout: 1m }
  verify: { window: 6s, sustain: 3s }
objectives: { timeToDetect: 30s, timeToDecide: 1m, timeToRollback: 1m, timeToRecover: 2m }
abort:
  maxDuration: 5m
${options.abort ?? ''}
`,
  );
  return { scenario, runsDir: join(dir, 'runs') };
}

export interface ToxiproxySuite {
  /** The file's standalone server (started in beforeAll). */
  server(): StandaloneToxiproxy;
  /** A drill on that server, or on its own embedded one with `embedded`; its folder goes at the end. */
  drill(options?: DrillOptions & { readonly embedded?: boolean }): { scenario: string; runsDir: string };
}

/**
 * One standalone server for a test file, the drill's proxy removed after each test (whatever a
 * failed test left must not make the next one collide with it), and every drill folder removed at
 * the end. Call it at the top level of the file.
 */
export function useStandaloneToxiproxy(): ToxiproxySuite {
  let toxiproxy: StandaloneToxiproxy | undefined;
  const folders: string[] = [];
  beforeAll(async () => {
    toxiproxy = await startStandaloneToxiproxy();
  });
  afterEach(async () => {
    if (!toxiproxy) return;
    await fetch(`${toxiproxy.url}/proxies/${DRILL_PROXY}`, { method: 'DELETE' }).catch(() => undefined);
  });
  afterAll(async () => {
    await toxiproxy?.stop();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
  const server = (): StandaloneToxiproxy => {
    if (!toxiproxy) throw new Error('the standalone Toxiproxy server has not started');
    return toxiproxy;
  };
  return {
    server,
    drill(options = {}) {
      const written = writeToxicDrill(options.embedded ? undefined : server().url, options);
      folders.push(dirname(written.runsDir));
      return written;
    },
  };
}

/** The one run in `runsDir`. */
export function onlyRunId(runsDir: string): string {
  const runs = readdirSync(runsDir);
  if (runs.length !== 1) throw new Error(`expected one run in ${runsDir}, found ${runs.join(', ')}`);
  return String(runs[0]);
}

export function readRecord(runsDir: string): RunRecord {
  return runRecordSchema.parse(
    JSON.parse(readFileSync(join(runsDir, onlyRunId(runsDir), 'run.json'), 'utf8')),
  );
}

export interface SafetyCliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `rollback-drill recover|abort ...` as a process (from the sources, see safety-cli.ts). */
export function safetyCli(args: readonly string[], timeoutMs = 60_000): Promise<SafetyCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/safety/safety-cli.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rollback-drill ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
