/**
 * Small helpers of the toxic fault: status codes, the proxy's dial address, dependency addresses,
 * report wording.
 */
import type { ToxicSpec } from '../scenario/schema/faults.js';
import type { Target } from '../targets/port.js';

/** Where the target says dependency `name` listens, or undefined when it does not know. */
export function dependencyAddressOf(target: Target, name: string): URL | undefined {
  return target.dependencyAddress?.(name);
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/** A proxy upstream (`host:port`) for a dependency URL; an IPv6 host keeps its brackets. */
export function upstreamOf(address: URL): string {
  const port = address.port || DEFAULT_PORTS[address.protocol];
  if (!port) throw new Error(`cannot tell the port of ${address.href}`);
  return `${address.hostname}:${port}`;
}

/** The URL a client uses to reach a dependency through the proxy: the proxy's address, the dependency's scheme. */
export function dependencyUrlVia(endpoint: ProxyEndpoint, dependency: URL | undefined): URL {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return new URL(`${dependency?.protocol ?? 'http:'}//${host}:${endpoint.port}`);
}

/** Where clients reach a proxy. */
export interface ProxyEndpoint {
  readonly proxyName: string;
  /** As the proxy API reports it, e.g. `127.0.0.1:41234` or `[::]:26379`. */
  readonly listen: string;
  /** What a client dials: an all-interfaces listen is reached on the API's host (loopback when embedded). */
  readonly host: string;
  readonly port: number;
}

/** toxiproxy-node-client drops error bodies; its message `Request failed with status code N` keeps the status. */
export function httpStatusOf(error: unknown): number | undefined {
  const match = error instanceof Error ? /status code (\d{3})/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
}

const UNSPECIFIED_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

export function proxyEndpointOf(
  proxyName: string,
  listen: string,
  apiUrl: string | undefined,
): ProxyEndpoint {
  const colon = listen.lastIndexOf(':');
  const rawHost = listen.slice(0, colon);
  const port = Number(listen.slice(colon + 1));
  const apiHost = apiUrl ? new URL(apiUrl).hostname.replace(/^\[(.*)\]$/, '$1') : '127.0.0.1';
  const host = UNSPECIFIED_HOSTS.has(rawHost) ? apiHost : rawHost.replace(/^\[(.*)\]$/, '$1');
  return { proxyName, listen, host, port };
}

/** One line for reports, e.g. "latency +500ms ±50ms on payments (downstream)". */
export function describeToxic(toxic: ToxicSpec, proxyName: string): string {
  const share = toxic.toxicity < 1 ? `, ${+(toxic.toxicity * 100).toFixed(2)}% of connections` : '';
  return `${toxicEffect(toxic)} on ${proxyName} (${toxic.stream}${share})`;
}

function toxicEffect(toxic: ToxicSpec): string {
  switch (toxic.type) {
    case 'latency':
      return (
        `latency +${toxic.attributes.latency}ms` +
        (toxic.attributes.jitter ? ` ±${toxic.attributes.jitter}ms` : '')
      );
    case 'bandwidth':
      return toxic.attributes.rate > 0
        ? `bandwidth limited to ${toxic.attributes.rate} KB/s`
        : 'bandwidth unlimited';
    case 'slow_close':
      return `close delayed ${toxic.attributes.delay}ms`;
    case 'timeout':
      return toxic.attributes.timeout > 0
        ? `timeout: data dropped, closed after ${toxic.attributes.timeout}ms`
        : 'timeout: data dropped, connections hang';
    case 'reset_peer':
      return `connections reset (TCP RST) after ${toxic.attributes.timeout}ms`;
    case 'slicer':
      return `data sliced into ~${toxic.attributes.average_size}-byte pieces`;
    case 'limit_data':
      return `connections closed after ${toxic.attributes.bytes} bytes`;
    case 'noop':
      return 'noop toxic';
  }
}
