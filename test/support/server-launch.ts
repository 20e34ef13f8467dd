/**
 * Starting a real server binary on a free loopback port, in its own temporary folder, and
 * waiting until it is ready. Retries on a port race (another process took the port in between).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './external-binaries.js';
import { freePort } from './free-port.js';
import { startProcess, type ManagedProcess } from './processes.js';
import { waitUntil } from './wait.js';

export interface LaunchedServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly process: ManagedProcess;
  /** Stops the process and removes its folder. Idempotent. */
  stop(): Promise<void>;
}

export interface LaunchSpec {
  readonly binary: string;
  /** Arguments for a port and the server's private folder. */
  args(port: number, dir: string): string[] | Promise<string[]>;
  /** Path polled until it answers 2xx, e.g. /-/ready. */
  readonly readyPath: string;
  readonly readyTimeoutMs?: number;
}

export async function launchServer(spec: LaunchSpec): Promise<LaunchedServer> {
  const binary = findBinary(spec.binary);
  if (!binary) throw new Error(`${spec.binary} is not installed (not on PATH)`);
  const dir = await mkdtemp(join(tmpdir(), `rollback-drill-${spec.binary}-`));
  let lastOutput = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const child = startProcess(spec.binary, binary, await spec.args(port, dir));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntil(
        async () => {
          if (child.hasExited()) throw new Error('exited');
          const response = await fetch(`${url}${spec.readyPath}`, { signal: AbortSignal.timeout(2_000) });
          await response.body?.cancel();
          return response.ok;
        },
        {
          timeoutMs: spec.readyTimeoutMs ?? 30_000,
          description: `${spec.binary} ready at ${url}${spec.readyPath}`,
        },
      );
    } catch (error) {
      await child.stop();
      lastOutput = child.output();
      if (/address already in use/i.test(lastOutput)) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${spec.binary} did not start: ${(error as Error).message}\n${lastOutput}`, {
        cause: error,
      });
    }
    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      dir,
      process: child,
      stop() {
        stopping ??= child.stop().then(() => rm(dir, { recursive: true, force: true }));
        return stopping;
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`${spec.binary} could not bind a free port after 3 attempts:\n${lastOutput}`);
}
