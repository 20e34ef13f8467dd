/**
 * `rollback-drill toxiproxy`: in-process through commander (stopped by an injected trigger), and as a
 * real child process stopped by SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/core/errors.js';
import { registerToxiproxyCommand } from '../../../harness/cli/toxiproxy.js';
import {
  Cleanup,
  api,
  connectTo,
  eventually,
  freePort,
  roundTripMs,
  startEchoServer,
  withTimeout,
} from './helpers.js';

let cleanup: Cleanup;
let dir: string;

beforeEach(async () => {
  cleanup = new Cleanup();
  dir = await mkdtemp(join(tmpdir(), 'toxiproxy-cli-'));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
});
afterEach(() => cleanup.run());

/** Runs the command in-process; `stop` ends it like a signal would. */
function runCommand(args: string[]): { done: Promise<void>; output: string[]; stop: () => void } {
  const output: string[] = [];
  let stop = (): void => undefined;
  const stopped = new Promise<string>((resolve) => (stop = () => resolve('stopped by the test')));
  const program = new Command().exitOverride();
  registerToxiproxyCommand(
    program,
    {
      stdout: (t) => output.push(t),
      stderr: (t) => output.push(t),
      setExitCode: () => undefined,
      stderrIsTTY: false,
    },
    () => stopped,
  );
  const done = program.parseAsync(['toxiproxy', ...args], { from: 'user' }).then(() => undefined);
  cleanup.add(async () => {
    stop();
    await done.catch(() => undefined);
  });
  return { done, output, stop };
}

describe('in-process', () => {
  it('serves the API, populates --config proxies, and closes everything when stopped', async () => {
    const echo = await startEchoServer(cleanup);
    const [apiPort, proxyPort] = [await freePort(), await freePort()];
    const config = join(dir, 'proxies.json');
    await writeFile(
      config,
      JSON.stringify([{ name: 'payments', listen: `127.0.0.1:${proxyPort}`, upstream: echo.address }]),
    );
    const run = runCommand(['--port', String(apiPort), '--config', config]);
    const url = `http://127.0.0.1:${apiPort}`;
    expect(
      await eventually(
        async () => (await api(url, 'GET', '/version').catch(() => ({ status: 0 }))).status === 200,
      ),
    ).toBe(true);
    expect((await api(url, 'GET', '/proxies/payments')).json).toMatchObject({
      listen: `127.0.0.1:${proxyPort}`,
      enabled: true,
    });
    const client = await connectTo(cleanup, `127.0.0.1:${proxyPort}`);
    await roundTripMs(client);
    expect(run.output.join('')).toContain(`proxy payments 127.0.0.1:${proxyPort}`);

    run.stop();
    await withTimeout(run.done, 5_000, 'command did not stop');
    await expect(connectTo(cleanup, `127.0.0.1:${proxyPort}`)).rejects.toThrow(/ECONNREFUSED/);
    await expect(fetch(`${url}/version`)).rejects.toThrow();
  });

  it.each([
    ['a missing file', null, /cannot read toxiproxy config .*missing\.json/],
    ['invalid JSON', '[{"name": ', /bad\.json: not valid JSON/],
    ['not an array', '{"name": "x"}', /bad\.json: expected a JSON array/],
    [
      'an entry without upstream',
      '[{"name": "x"}]',
      /bad\.json: missing required field: upstream at proxy 1/,
    ],
    [
      'an address that cannot be bound',
      '[{"name": "x", "listen": "127.0.0.1:99999", "upstream": "h:1"}]',
      /bad\.json: proxy x: listen tcp: address 99999: invalid port/,
    ],
  ])('a config file with %s is a UserError naming the file (exit 2)', async (_label, content, message) => {
    const file = join(dir, content === null ? 'missing.json' : 'bad.json');
    if (content !== null) await writeFile(file, content);
    const run = runCommand(['--port', '0', '--config', file]);
    const error = await run.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
  });

  it('an API port in use is a UserError', async () => {
    const first = runCommand(['--port', String(await freePort())]);
    await eventually(() => first.output.length > 0);
    const port = /127\.0\.0\.1:(\d+)/.exec(first.output.join(''))?.[1] ?? '0';
    const second = runCommand(['--port', port]);
    const error = await second.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/address already in use/);
  });
});

describe('as a process', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  it('runs until SIGTERM and then exits 0 after closing its proxies', async () => {
    const apiPort = await freePort();
    const script = `
      import { Command } from 'commander';
      import { registerToxiproxyCommand } from './harness/cli/toxiproxy.ts';
      const program = new Command();
      registerToxiproxyCommand(program);
      await program.parseAsync(['toxiproxy', '--port', '${apiPort}'], { from: 'user' });
    `;
    child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    expect(await eventually(() => output.includes('listening on'), 20_000), output).toBe(true);
    const url = `http://127.0.0.1:${apiPort}`;
    expect((await api(url, 'GET', '/version')).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await withTimeout(exited, 10_000, 'child did not exit')).toBe(0);
    expect(output).toContain('received SIGTERM, shutting down');
  });
});
