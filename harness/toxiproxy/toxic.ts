/**
 * The one interface every toxic implements, shaped like Toxiproxy's: a toxic *definition* holds the
 * type's name and attributes; a *pipe* is that toxic running on one link of one connection (Toxiproxy's
 * ToxicStub running Pipe). A link chains pipes; the toxic collection tells each link when a toxic is
 * added, updated or removed.
 */
import type { Clock } from '../core/clock.js';
import type { Chunk, ChunkSink, EndKind } from './chunk.js';

/** Attribute values by name; every attribute of the built-in toxics is a whole number. */
export type ToxicAttributes = Readonly<Record<string, number>>;

/** What a running pipe may use besides its output. */
export interface PipeContext {
  readonly clock: Clock;
  /** Seeded random in [0, 1): jitter, slice sizes. */
  readonly random: () => number;
  /** Reports bytes the pipe discarded, so the link's flow control stops counting them as in flight. */
  dropped(bytes: number): void;
  /** Resets both sockets of the connection: the peers see a TCP RST (ECONNRESET). */
  resetConnection(): void;
}

/** What a stopped pipe still held, oldest first, for the link to hand to whatever replaces it. */
export interface HeldData {
  readonly chunks: Chunk[];
  /** An end the pipe had received but not yet passed on. */
  readonly end?: EndKind;
}

/** One toxic running on one link. Receives chunks from the previous stage, writes to its output. */
export interface ToxicPipe {
  write(chunk: Chunk): void;
  end(kind: EndKind): void;
  /**
   * Stops the pipe at once (the toxic is being removed or updated): cancels its timers and returns
   * the data it holds so nothing is dropped on the floor. The pipe is not used afterwards.
   */
  interrupt(): HeldData;
}

/** How an attribute is typed in Toxiproxy's Go structs; used to reject wrong JSON types like it does. */
export interface AttributeSpec {
  readonly name: string;
  readonly goType: 'int64' | 'int';
}

export interface ToxicDefinition {
  readonly type: string;
  /** The Go struct name, so decoding errors read like Toxiproxy's (`toxics.LatencyToxic`). */
  readonly goStruct: string;
  /** In the order Toxiproxy serialises them. */
  readonly attributes: readonly AttributeSpec[];
  /** Removing this toxic closes the connections it was acting on (timeout does). */
  readonly closesOnRemove?: boolean;
  /** Per-link state that outlives updates of the toxic (limit_data's byte count). */
  newState?(): unknown;
  createPipe(attributes: ToxicAttributes, output: ChunkSink, context: PipeContext, state: unknown): ToxicPipe;
}

/** The value of a numeric attribute; missing attributes are zero, as in Toxiproxy. */
export function attribute(attributes: ToxicAttributes, name: string): number {
  return attributes[name] ?? 0;
}
