/**
 * One proxied TCP connection: the client socket, the upstream socket and one link per direction.
 * It owns the teardown rules, so every way a connection can end — clean half-closes, a toxic closing
 * it, a reset, a peer vanishing, the proxy being disabled — ends with both sockets destroyed.
 */
import type { Socket } from 'node:net';
import type { Clock } from '../core/clock.js';
import type { EndKind } from './chunk.js';
import { Link, type LinkToxic, type StreamDirection } from './link.js';

/** After both directions ended, how long unflushed writes may take before the sockets are destroyed. */
const CLOSE_GRACE_MS = 5_000;

export interface ConnectionOptions {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly clock: Clock;
  readonly random: () => number;
  /** The toxics each direction starts with (the proxy's chain at accept time). */
  readonly toxics: (direction: StreamDirection) => readonly LinkToxic[];
  /** Both sockets are closed; the connection holds nothing any more. */
  onClosed(connection: ProxyConnection): void;
}

export class ProxyConnection {
  readonly upstreamLink: Link;
  readonly downstreamLink: Link;
  private readonly ended = new Set<Link>();
  private openSockets = 2;
  private cancelGrace: (() => void) | undefined;
  private closedReported = false;
  private tearingDown = false;

  constructor(private readonly options: ConnectionOptions) {
    const { client, upstream } = options;
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true); // like Go's net package: small writes go out at once
      socket.on('error', () => {
        // The socket is destroyed right after; 'close' below does the bookkeeping.
      });
    }
    this.upstreamLink = this.createLink('upstream', client, upstream);
    this.downstreamLink = this.createLink('downstream', upstream, client);
    client.on('close', () => this.socketClosed(this.upstreamLink, this.downstreamLink));
    upstream.on('close', () => this.socketClosed(this.downstreamLink, this.upstreamLink));
  }

  start(): void {
    this.upstreamLink.start();
    this.downstreamLink.start();
  }

  /** Closes both sockets now (proxy disabled, deleted or restarted). */
  destroy(): void {
    this.options.client.destroy();
    this.options.upstream.destroy();
  }

  /** Both peers see a TCP RST. */
  reset(): void {
    for (const socket of [this.options.client, this.options.upstream]) {
      try {
        socket.resetAndDestroy();
      } catch {
        socket.destroy(); // not a TCP handle any more (already closing): a plain destroy is all that is left
      }
    }
  }

  private createLink(direction: StreamDirection, source: Socket, dest: Socket): Link {
    const link: Link = new Link(
      {
        direction,
        source,
        dest,
        clock: this.options.clock,
        random: this.options.random,
        resetConnection: () => this.reset(),
        onEnded: (kind) => this.linkEnded(link, kind),
      },
      this.options.toxics(direction),
    );
    return link;
  }

  private otherLink(link: Link): Link {
    return link === this.upstreamLink ? this.downstreamLink : this.upstreamLink;
  }

  /**
   * A half-close (`eof`) only finishes one direction. A `close` finishes the connection, like closing
   * the socket in Toxiproxy: the other direction takes no more input and flushes what its toxics hold.
   */
  private linkEnded(link: Link, kind: EndKind): void {
    this.ended.add(link);
    if (kind === 'close') this.otherLink(link).abortInput();
    if (this.ended.size === 2) this.destroyWhenFlushed();
  }

  private destroyWhenFlushed(): void {
    // Reached once: ending one link can end the other from inside linkEnded (a `close` aborts it).
    if (this.tearingDown) return;
    this.tearingDown = true;
    const sockets = [this.options.client, this.options.upstream];
    const pending = sockets.filter((socket) => !socket.destroyed && !socket.writableFinished);
    if (pending.length === 0) {
      this.destroy();
      return;
    }
    let waiting = pending.length;
    for (const socket of pending) {
      socket.once('finish', () => {
        waiting -= 1;
        if (waiting === 0) this.destroy();
      });
    }
    this.cancelGrace = this.options.clock.setTimer(() => this.destroy(), CLOSE_GRACE_MS);
  }

  /** `socket` closed: the link reading it has no more input, the link writing it has no destination. */
  private socketClosed(readingLink: Link, writingLink: Link): void {
    readingLink.abortInput();
    writingLink.destGone();
    this.openSockets -= 1;
    if (this.openSockets > 0) return;
    this.cancelGrace?.();
    this.upstreamLink.dispose();
    this.downstreamLink.dispose();
    if (this.closedReported) return;
    this.closedReported = true;
    this.options.onClosed(this);
  }
}
