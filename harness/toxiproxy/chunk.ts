/**
 * The unit of data that moves through a link: bytes read from one socket, stamped with the monotonic
 * time they were read. Toxics that delay data (latency) measure from that stamp, so delays in a chain
 * add up instead of compounding the time a chunk waited behind another.
 */
export interface Chunk {
  readonly data: Buffer;
  /** Monotonic ms (the server's Clock) at which these bytes were read, moved forward by latency toxics. */
  readonly timestampMs: number;
}

/**
 * How a stream ended. `eof`: the sender half-closed (FIN), so only this direction is finished.
 * `close`: a toxic or an error closed the stream, which closes the whole connection once the data
 * already on its way has been written — what Toxiproxy does when a stub closes its output.
 */
export type EndKind = 'eof' | 'close';

/** Anything that accepts a stream of chunks: the next toxic in a chain or the socket at its end. */
export interface ChunkSink {
  write(chunk: Chunk): void;
  end(kind: EndKind): void;
}

/**
 * A sink whose target can be swapped while data flows. Each stage of a link writes into its own relay,
 * so adding, updating or removing a toxic re-points one relay instead of touching the toxic itself.
 */
export class Relay implements ChunkSink {
  constructor(public target: ChunkSink) {}

  write(chunk: Chunk): void {
    this.target.write(chunk);
  }

  end(kind: EndKind): void {
    this.target.end(kind);
  }
}
