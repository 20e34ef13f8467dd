/**
 * Acceptance for targets that outlive the harness: a `command` target (an app the test runs, whose
 * version is switched by commands) is left on the bad release by a SIGKILL; `rollback-drill recover`
 * rolls it back through the same adapter, and the stable version serves again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port.js';
import { waitReady } from '../../support/wait.js';
import { startCli, survivorsAfter } from '../cli-process.js';
import { readRecord, safetyCli } from './toxic-drill.js';

const APP = `
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const version = () => readFileSync(new URL('./version', import.meta.url), 'utf8').trim();
createServer((req, res) => {
  const v = version();
  res.setHeader('content-type', 'application/json');
  if (req.url === '/version') return res.end(JSON.stringify({ version: v }));
  if (req.url === '/healthz') return res.end('{"ok":true}');
  res.statusCode = v === '2.0.0-bad' ? 500 : 200;
  res.end(JSON.stringify({ version: v }));
}).listen(Number(process.env.PORT), '127.0.0.1');
`;
const SET_VERSION = `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./version', import.meta.url), process.argv[2]);
`;

let dir: string;
let port: number;
let app: ChildProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'command-target-'));
  writeFileSync(join(dir, 'app.mjs'), APP);
  writeFileSync(join(dir, 'set-version.mjs'), SET_VERSION);
  writeFileSync(join(dir, 'version'), '1.0.0');
  port = await freePort();
  app = spawn(process.execPath, [join(dir, 'app.mjs')], {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  await waitReady(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 15_000, description: 'the test app' });
});
afterAll(async () => {
  if (app.exitCode === null && app.signalCode === null) {
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill('SIGKILL');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function writeDrill(): string {
  const file = join(dir, 'drill.yaml');
  const base = `http://127.0.0.1:${port}`;
  writeFileSync(
    file,
    `apiVersion: rollback-drill/v1
kind: Drill
metadata: { name: safety-command-target, service: app, environment: test, team: safety }
target:
  type: command
  stableVersion: 1.0.0
  baseUrl: ${base}
  workingDirectory: ${dir}
  deploy: [{ argv: [${JSON.stringify(process.execPath)}, set-version.mjs, '{{version}}'], timeout: 10s }]
  rollback: [{ argv: [${JSON.stringify(process.execPath)}, set-version.mjs, '{{stableVersion}}'], timeout: 10s }]
  version: { url: ${base}/version, jsonPointer: /version, timeout: 1s }
  health: { url: ${base}/healthz, timeout: 1s }
  pollInterval: 100ms
  waitTimeout: 30s
traffic:
  type: builtin
  rate: 40
  timeout: 2s
  requests: [{ method: GET, path: /api/products, weight: 1 }]
slos: { availability: 98%, latency: [{ percentile: 95, threshold: 3s }] }
fault: { type: release, version: 2.0.0-bad }
detection: { type: threshold, window: 3s, minRequests: 20 }
decision: { type: auto, delay: 30s }
phases:
  baseline: { duration: 3s }
  verify: { window: 5s, sustain: 2s }
abort: { maxDuration: 5m }
`,
  );
  return file;
}

async function servingVersion(): Promise<string> {
  const answer = (await (await fetch(`http://127.0.0.1:${port}/version`)).json()) as { version: string };
  return answer.version;
}

describe('SIGKILL with a command target left on the bad release', () => {
  it('recover rolls it back: the stable version serves again and the record says interrupted', async () => {
    const runsDir = join(dir, 'runs');
    const run = startCli(['run', writeDrill(), '--out', runsDir]);
    await run.waitForStderr('decide started', 60_000);
    run.child.kill('SIGKILL');
    await run.exited;
    expect(await servingVersion()).toBe('2.0.0-bad'); // the damage a crash leaves

    const recovered = await safetyCli(['recover', '--runs', runsDir, '--json']);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(await servingVersion()).toBe('1.0.0');
    const record = readRecord(runsDir);
    expect(record.result).toBe('interrupted');
    expect(record.target.versionAfterRun).toBe('1.0.0');
    expect(record.timeline.map((e) => e.message)).toContain(
      'recover: make sure 1.0.0 serves on the command target: rolled back from 2.0.0-bad to 1.0.0',
    );
    expect(await survivorsAfter(run.marker)).toEqual([]);
  });
});
