/**
 * One proxy: a listener that accepts clients, dials the upstream for each and joins the two sockets
 * with a pair of links. Enabling binds synchronously (the API answers with the real bound address);
 * disabling closes the listener and every live connection; toxics survive both.
 */
import { connect, type Server, type Socket } from 'node:net';
import type { Clock } from '../core/clock.js';
import { bindListener, closeListener, splitHostPort } from './address.js';
import { ProxyConnection } from './connection.js';
import { ToxicCollection, type ToxicJson } from './toxic-collection.js';

/** A proxy as the API shows it, keys in Toxiproxy's order. */
export interface ProxyJson {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
  readonly toxics: ToxicJson[];
}

export interface ProxySettings {
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
}

export interface ProxyDependencies {
  readonly clock: Clock;
  readonly random: () => number;
}

export class Proxy {
  readonly toxics = new ToxicCollection();
  private listenAddress: string;
  private upstreamAddress: string;
  private listener: Server | undefined;
  private readonly connections = new Set<ProxyConnection>();
  /** Accepted clients whose upstream is still being dialled. */
  private readonly dialling = new Set<Socket>();

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly dependencies: ProxyDependencies,
  ) {
    this.listenAddress = listen;
    this.upstreamAddress = upstream;
  }

  get listen(): string {
    return this.listenAddress;
  }

  get upstream(): string {
    return this.upstreamAddress;
  }

  get enabled(): boolean {
    return this.listener !== undefined;
  }

  /** Live connections (for tests and diagnostics). */
  get connectionCount(): number {
    return this.connections.size + this.dialling.size;
  }

  toJSON(): ProxyJson {
    return {
      name: this.name,
      listen: this.listenAddress,
      upstream: this.upstreamAddress,
      enabled: this.enabled,
      toxics: this.toxics.list(),
    };
  }

  /** Binds the listen address; on success `listen` becomes the address really bound. No-op when enabled. */
  async start(): Promise<void> {
    if (this.listener) return;
    const bound = await bindListener(this.listenAddress, (socket) => this.accept(socket));
    this.listener = bound.server;
    this.listenAddress = bound.address;
  }

  /** Closes the listener and every live connection. No-op when disabled. */
  async stop(): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    this.listener = undefined;
    for (const socket of this.dialling) socket.destroy();
    for (const connection of this.connections) connection.destroy();
    await closeListener(listener);
  }

  /** Applies merged settings like Toxiproxy: a new listen or upstream restarts the proxy. */
  async update(settings: ProxySettings): Promise<void> {
    if (settings.listen !== this.listenAddress || settings.upstream !== this.upstreamAddress) {
      await this.stop();
      this.listenAddress = settings.listen;
      this.upstreamAddress = settings.upstream;
    }
    if (settings.enabled) await this.start();
    else await this.stop();
  }

  private accept(client: Socket): void {
    const listener = this.listener;
    if (!listener) {
      client.destroy();
      return;
    }
    client.on('error', () => {
      // Errors end in 'close'; the connection (or the dial below) cleans up there.
    });
    let target;
    try {
      target = splitHostPort(this.upstreamAddress);
    } catch {
      client.destroy(); // an upstream that cannot be dialled closes the client at once, like Toxiproxy
      return;
    }
    this.dialling.add(client);
    const upstream = connect({ host: target.host || 'localhost', port: target.port, allowHalfOpen: true });
    const dialFailed = (): void => {
      this.dialling.delete(client);
      client.destroy();
      upstream.destroy();
    };
    upstream.once('error', dialFailed);
    client.once('close', () => {
      if (this.dialling.delete(client)) upstream.destroy();
    });
    upstream.once('connect', () => {
      upstream.off('error', dialFailed);
      if (!this.dialling.delete(client) || client.destroyed || this.listener !== listener) {
        client.destroy();
        upstream.destroy();
        return;
      }
      this.join(client, upstream);
    });
  }

  private join(client: Socket, upstream: Socket): void {
    const connection = new ProxyConnection({
      client,
      upstream,
      clock: this.dependencies.clock,
      random: this.dependencies.random,
      toxics: (direction) => this.toxics.chain(direction),
      onClosed: (closed) => {
        this.connections.delete(closed);
        this.toxics.detach(closed.upstreamLink);
        this.toxics.detach(closed.downstreamLink);
      },
    });
    this.connections.add(connection);
    this.toxics.attach(connection.upstreamLink);
    this.toxics.attach(connection.downstreamLink);
    connection.start();
  }
}
