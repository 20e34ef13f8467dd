/**
 * What every demo child process does around its server: listen on loopback, tell the parent where
 * over IPC, and never outlive the parent. A parent killed with -9 cannot clean up, but its IPC channel
 * closes, and that is the signal the child exits on.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The one message a demo child sends its parent, once its server accepts connections. */
export interface ListeningMessage {
  readonly type: 'listening';
  readonly port: number;
  readonly version: string;
}

export function isListeningMessage(message: unknown): message is ListeningMessage {
  if (typeof message !== 'object' || message === null) return false;
  const candidate = message as Partial<ListeningMessage>;
  return (
    candidate.type === 'listening' &&
    typeof candidate.port === 'number' &&
    typeof candidate.version === 'string'
  );
}

export const LOOPBACK = '127.0.0.1';

/** How long a stopping child lets in-flight requests finish; the parent's SIGKILL comes later (2 s). */
export const DRAIN_MS = 1_500;

let serving: Server | undefined;

/**
 * Exits once the parent is gone (at once: nobody is left to answer) or asks us to stop (SIGTERM,
 * SIGINT: after in-flight requests finish, so a release retired after a rollback does not turn its
 * last slow responses into errors). Call before anything else starts.
 */
export function exitWithParent(): void {
  const drainThenExit = (): void => {
    if (!serving) process.exit(0);
    const server = serving;
    server.close(() => process.exit(0));
    // close() only drops connections idle right now; a keep-alive connection whose response is still
    // being written goes idle later, so keep dropping idle ones until the last has gone.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 10).unref();
    setTimeout(() => process.exit(0), DRAIN_MS).unref();
  };
  // Only a forked child has a channel; run by hand (no IPC), Ctrl-C and SIGTERM still stop it.
  if (process.send) process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', drainThenExit);
  process.on('SIGINT', drainThenExit);
}

/** Parses PORT from the environment; 0 (any free port) when unset. */
export function portFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.PORT ?? '0';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got "${text}"`);
  }
  return port;
}

/** Listens on loopback and reports the port: over IPC when forked, on stdout when run by hand. */
export function listenAndReport(server: Server, port: number, version: string): void {
  server.on('error', (error) => {
    console.error(`${version}: cannot listen on ${LOOPBACK}:${port}: ${error.message}`);
    process.exit(1);
  });
  serving = server;
  server.listen(port, LOOPBACK, () => {
    const actualPort = (server.address() as AddressInfo).port;
    const message: ListeningMessage = { type: 'listening', port: actualPort, version };
    if (process.send) process.send(message);
    else console.log(`${version} listening on http://${LOOPBACK}:${actualPort}`);
  });
}
