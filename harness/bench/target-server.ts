import type { ChildProcess } from 'node:child_process';
import { forkChildEntry } from '../core/child-entry.js';

export interface TargetServer {
  readonly url: URL;
  close(): Promise<void>;
}

/** Starts the loopback load target in a child process; resolves once it listens. */
export async function startTargetServer(): Promise<TargetServer> {
  const child: ChildProcess = forkChildEntry(import.meta.url, './target-server-process.js');
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { type?: string; port?: number }) => {
      if (message.type === 'listening' && message.port) resolve(message.port);
    });
    child.once('exit', (code) => reject(new Error(`load target exited with code ${code ?? 'null'}`)));
  });
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
