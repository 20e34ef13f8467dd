/**
 * One direction of one proxied connection: bytes read from `source` pass through a chain of toxic
 * pipes and are written to `dest`. Like Toxiproxy's ToxicLink, toxics are appended to the end of the
 * chain, and updating or removing one interrupts just that pipe and hands on what it held, so live
 * connections change behaviour without losing or reordering bytes.
 *
 * Flow control: bytes read but not yet written (or dropped) count as in flight; past a high-water mark,
 * or while `dest` needs draining, the source is paused. With no toxics the chain is empty and chunks go
 * straight to the socket, which keeps the proxy's own overhead close to a plain pipe.
 */
import type { Socket } from 'node:net';
import type { Clock } from '../core/clock.js';
import { Relay, type Chunk, type ChunkSink, type EndKind } from './chunk.js';
import type { HeldData, PipeContext, ToxicAttributes, ToxicDefinition, ToxicPipe } from './toxic.js';
import { NoopPipe } from './toxics/noop.js';

export type StreamDirection = 'upstream' | 'downstream';

/** A toxic as the link needs it: what it is and how it is configured right now. */
export interface LinkToxic {
  readonly name: string;
  readonly definition: ToxicDefinition;
  readonly attributes: ToxicAttributes;
  readonly toxicity: number;
}

export interface LinkOptions {
  readonly direction: StreamDirection;
  readonly source: Socket;
  readonly dest: Socket;
  readonly clock: Clock;
  readonly random: () => number;
  /** Resets the whole connection (reset_peer). */
  resetConnection(): void;
  /** The chain reached its end: `dest` has been ended; the connection decides what closes next. */
  onEnded(kind: EndKind): void;
}

const HIGH_WATER_BYTES = 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;

/** A stage's output: remembers that it ended, so a pipe removed after closing cannot end twice. */
class StageOutput extends Relay {
  ended = false;

  constructor(
    target: ChunkSink,
    private readonly onDropped: (bytes: number) => void,
  ) {
    super(target);
  }

  override write(chunk: Chunk): void {
    if (this.ended) this.onDropped(chunk.data.length);
    else super.write(chunk);
  }

  override end(kind: EndKind): void {
    if (this.ended) return;
    this.ended = true;
    super.end(kind);
  }
}

interface Stage {
  toxic: LinkToxic;
  pipe: ToxicPipe;
  /** Whether the toxicity draw made this pipe the toxic rather than a pass-through. */
  active: boolean;
  readonly output: StageOutput;
  readonly state: unknown;
}

export class Link {
  readonly direction: StreamDirection;
  private readonly head: StageOutput;
  private readonly stages: Stage[] = [];
  private readonly sink: ChunkSink;
  private readonly context: PipeContext;
  private inFlightBytes = 0;
  private waitingForDrain = false;
  private sourcePaused = false;
  private destClosed = false;
  private outputEnded = false;

  constructor(
    private readonly options: LinkOptions,
    toxics: readonly LinkToxic[],
  ) {
    this.direction = options.direction;
    this.context = {
      clock: options.clock,
      random: options.random,
      dropped: (bytes) => this.release(bytes),
      resetConnection: () => options.resetConnection(),
    };
    this.sink = { write: (chunk) => this.writeToDest(chunk), end: (kind) => this.endDest(kind) };
    this.head = new StageOutput(this.sink, (bytes) => this.release(bytes));
    for (const toxic of toxics) this.addToxic(toxic);
  }

  /** Starts reading; call once the connection is wired up. */
  start(): void {
    const { source, dest } = this.options;
    source.on('data', (data: Buffer) => {
      this.inFlightBytes += data.length;
      this.head.write({ data, timestampMs: this.options.clock.now() });
      this.updateFlow();
    });
    source.on('end', () => this.head.end('eof'));
    dest.on('drain', () => {
      this.waitingForDrain = false;
      this.updateFlow();
    });
    source.resume();
  }

  /** The source went away without a clean end (error, reset, destroyed): close the chain. */
  abortInput(): void {
    this.head.end('close');
  }

  /** `dest` is gone: nothing more can be written to it. */
  destGone(): void {
    this.destClosed = true;
    this.waitingForDrain = false;
    this.updateFlow();
  }

  /** The connection is gone: stop every pipe so no toxic timer outlives it (or keeps the process up). */
  dispose(): void {
    for (const stage of this.stages) stage.pipe.interrupt();
    this.stages.length = 0;
    this.head.target = this.sink;
    this.destClosed = true;
  }

  get toxicNames(): string[] {
    return this.stages.map((stage) => stage.toxic.name);
  }

  /** Appends a toxic to the end of the chain; data already inside the chain will pass through it. */
  addToxic(toxic: LinkToxic): void {
    const output = new StageOutput(this.sink, (bytes) => this.release(bytes));
    const state = toxic.definition.newState?.();
    const stage: Stage = { toxic, output, state, ...this.createPipe(toxic, output, state) };
    this.inputOf(this.stages.length).target = stage.pipe;
    this.stages.push(stage);
  }

  /** Restarts a toxic with new settings; redraws its toxicity; keeps its per-link state. */
  updateToxic(toxic: LinkToxic): void {
    const index = this.stages.findIndex((stage) => stage.toxic.name === toxic.name);
    const stage = this.stages[index];
    if (!stage) return;
    const held = stage.pipe.interrupt();
    stage.toxic = toxic;
    Object.assign(stage, this.createPipe(toxic, stage.output, stage.state));
    this.inputOf(index).target = stage.pipe;
    replay(held, stage.pipe);
  }

  /** Takes a toxic out of the chain, passing on what it held; a timeout toxic closes the connection. */
  removeToxic(name: string): void {
    const index = this.stages.findIndex((stage) => stage.toxic.name === name);
    const stage = this.stages[index];
    if (!stage) return;
    const held = stage.pipe.interrupt();
    const next = stage.output.target;
    this.inputOf(index).target = next;
    this.stages.splice(index, 1);
    if (stage.output.ended) return;
    replay(held, next);
    if (stage.active && stage.toxic.definition.closesOnRemove && !held.end) next.end('close');
  }

  private createPipe(
    toxic: LinkToxic,
    output: ChunkSink,
    state: unknown,
  ): { pipe: ToxicPipe; active: boolean } {
    const active = this.options.random() < toxic.toxicity;
    const pipe = active
      ? toxic.definition.createPipe(toxic.attributes, output, this.context, state)
      : new NoopPipe(output);
    return { pipe, active };
  }

  /** The relay that feeds stage `index` (the link's head for the first stage). */
  private inputOf(index: number): StageOutput {
    return index === 0 ? this.head : (this.stages[index - 1] as Stage).output;
  }

  private writeToDest(chunk: Chunk): void {
    this.inFlightBytes -= chunk.data.length;
    if (!this.destClosed && !this.outputEnded && !this.options.dest.write(chunk.data))
      this.waitingForDrain = true;
    this.updateFlow();
  }

  private endDest(kind: EndKind): void {
    if (this.outputEnded) return;
    this.outputEnded = true;
    if (!this.destClosed) this.options.dest.end();
    this.options.onEnded(kind);
  }

  private release(bytes: number): void {
    this.inFlightBytes -= bytes;
    this.updateFlow();
  }

  private updateFlow(): void {
    const { source } = this.options;
    if (source.destroyed) return;
    if (!this.sourcePaused && (this.waitingForDrain || this.inFlightBytes > HIGH_WATER_BYTES)) {
      this.sourcePaused = true;
      source.pause();
    } else if (this.sourcePaused && !this.waitingForDrain && this.inFlightBytes <= LOW_WATER_BYTES) {
      this.sourcePaused = false;
      source.resume();
    }
  }
}

/** Hands what an interrupted pipe held to whatever now follows it, in order. */
function replay(held: HeldData, next: ChunkSink): void {
  for (const chunk of held.chunks) next.write(chunk);
  if (held.end) next.end(held.end);
}
