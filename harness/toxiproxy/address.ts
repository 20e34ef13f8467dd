/**
 * `host:port` addresses as Toxiproxy (Go's net package) reads and prints them, and binding a listener
 * with Go-like error text, so a bind failure answers `listen tcp 127.0.0.1:3310: bind: address already
 * in use` just as real Toxiproxy would.
 */
import { lookup } from 'node:dns/promises';
import { createServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';

export interface HostPort {
  /** Empty means every interface, as in Go. */
  readonly host: string;
  readonly port: number;
}

export class AddressError extends Error {}

/** Splits `host:port` / `[v6]:port` like net.SplitHostPort; throws AddressError on a malformed address. */
export function splitHostPort(address: string): HostPort {
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) throw new AddressError(`address ${address}: missing ']' in address`);
    host = address.slice(1, close);
    if (address[close + 1] !== ':') throw new AddressError(`address ${address}: missing port in address`);
    portText = address.slice(close + 2);
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) throw new AddressError(`address ${address}: missing port in address`);
    host = address.slice(0, colon);
    if (host.includes(':')) throw new AddressError(`address ${address}: too many colons in address`);
    portText = address.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new AddressError(`address ${portText}: invalid port`);
  }
  return { host, port: Number(portText) };
}

/** Go's way of printing an address: IPv6 in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The IP a listen host binds to: `localhost` is 127.0.0.1 and names resolve IPv4 first, like Go. */
async function resolveListenHost(host: string): Promise<string | undefined> {
  if (host === '') return undefined; // all interfaces; Node picks [::] (dual stack) or 0.0.0.0
  if (isIP(host)) return host;
  if (host === 'localhost') return '127.0.0.1';
  try {
    return (await lookup(host, { order: 'ipv4first' })).address;
  } catch {
    throw new AddressError(`lookup ${host}: no such host`);
  }
}

const BIND_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EINVAL: 'invalid argument',
};

/** A listening TCP server and the address it really bound, printed the Go way. */
export interface BoundListener {
  readonly server: Server;
  readonly address: string;
}

/**
 * Binds `listen` (e.g. `127.0.0.1:0`, `localhost:3310`, `:8080`) and calls `onConnection` for each
 * accepted socket, paused until the caller is ready to read. Rejects with an Error whose message is
 * Go's `listen tcp ...` text.
 */
export async function bindListener(
  listen: string,
  onConnection: (socket: Socket) => void,
): Promise<BoundListener> {
  let target: HostPort;
  let ip: string | undefined;
  try {
    target = splitHostPort(listen);
    ip = await resolveListenHost(target.host);
  } catch (error) {
    throw new Error(`listen tcp: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const reason = BIND_ERRORS[error.code ?? ''] ?? error.message;
      const shown = joinHostPort(ip ?? '', target.port);
      reject(new Error(`listen tcp ${shown}: bind: ${reason}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen({ host: ip, port: target.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return { server, address: joinHostPort(bound.address, bound.port) };
}

/** Closes a listener; resolves once it no longer accepts (live sockets are the caller's business). */
export function closeListener(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
