/**
 * `rollback-drill toxiproxy`: the embedded Toxiproxy-compatible server, standalone. Any Toxiproxy
 * client (toxiproxy-cli, toxiproxy-node-client, the Go client) can drive it. `--config` populates
 * proxies at start, like `toxiproxy-server -config`, except that a bad file is an error (exit 2)
 * rather than a log line, so a typo cannot leave a game day running without its proxies.
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { UserError } from '../core/errors.js';
import { TOXIPROXY_VERSION } from '../toxiproxy/api.js';
import { startToxiproxyServer, type ProxyConfig } from '../toxiproxy/server.js';
import { processIo, type CliIo } from './io.js';

export interface ToxiproxyCommandOptions {
  readonly host: string;
  readonly port: number;
  readonly config?: string;
}

/** Resolves when the server should stop; by default on SIGINT or SIGTERM. Injectable for tests. */
export type StopTrigger = () => Promise<string>;

export function registerToxiproxyCommand(
  program: Command,
  io: CliIo = processIo,
  untilStopped = untilSignal,
): void {
  program
    .command('toxiproxy')
    .description(
      `run the embedded Toxiproxy-compatible server (API of Toxiproxy ${TOXIPROXY_VERSION}) until stopped`,
    )
    .option('--host <host>', 'address the HTTP API listens on', '127.0.0.1')
    .option('--port <port>', 'port of the HTTP API', parsePort, 8474)
    .option('--config <file>', 'JSON array of proxies to create at start, as for POST /populate')
    .addHelpText(
      'after',
      `
The config file is a JSON array such as
  [{"name": "payments", "listen": "127.0.0.1:26379", "upstream": "127.0.0.1:9000"}]
Stops cleanly on SIGINT or SIGTERM, closing every proxy and connection.
Exit codes: 0 stopped cleanly, 2 bad config file or address in use.

Examples:
  $ rollback-drill toxiproxy
  $ rollback-drill toxiproxy --port 8475 --config proxies.json`,
    )
    .action(async (options: ToxiproxyCommandOptions) => {
      await runToxiproxyCommand(options, io, untilStopped);
    });
}

/** Starts the server, populates it, waits for the stop trigger, closes. Throws UserError on bad input. */
export async function runToxiproxyCommand(
  options: ToxiproxyCommandOptions,
  io: Pick<CliIo, 'stdout'>,
  untilStopped: StopTrigger = untilSignal,
): Promise<void> {
  const proxies = options.config === undefined ? [] : await readConfigFile(options.config);
  const server = await startToxiproxyServer({ host: options.host, port: options.port }).catch(
    (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UserError(`cannot start the toxiproxy API on ${options.host}:${options.port}: ${reason}`);
    },
  );
  try {
    if (options.config !== undefined) {
      const created = await server.populate(proxies).catch((error: unknown) => {
        throw new UserError(`${options.config}: ${error instanceof Error ? error.message : String(error)}`);
      });
      for (const proxy of created)
        io.stdout(`toxiproxy: proxy ${proxy.name} ${proxy.listen} → ${proxy.upstream}\n`);
    }
    io.stdout(`toxiproxy: API (Toxiproxy ${TOXIPROXY_VERSION} compatible) listening on ${server.url}\n`);
    const reason = await untilStopped();
    io.stdout(`toxiproxy: ${reason}, shutting down\n`);
  } finally {
    await server.close();
  }
}

/** Reads and checks a --config file; every problem names the file. */
async function readConfigFile(file: string): Promise<ProxyConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read toxiproxy config ${file}: ${(error as NodeJS.ErrnoException).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(parsed)) {
    throw new UserError(`${file}: expected a JSON array of proxies such as [{"name": ..., "upstream": ...}]`);
  }
  return parsed as ProxyConfig[]; // shapes and required fields are checked by populate, like the API does
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535');
  return port;
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(`received ${signal}`);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
