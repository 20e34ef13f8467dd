import type { Chunk, ChunkSink, EndKind } from '../chunk.js';
import type { HeldData, ToxicDefinition, ToxicPipe } from '../toxic.js';

/** Passes everything through untouched. Also what a toxic runs as when its toxicity draw says "not this one". */
export class NoopPipe implements ToxicPipe {
  constructor(private readonly output: ChunkSink) {}

  write(chunk: Chunk): void {
    this.output.write(chunk);
  }

  end(kind: EndKind): void {
    this.output.end(kind);
  }

  interrupt(): HeldData {
    return { chunks: [] };
  }
}

export const noopToxic: ToxicDefinition = {
  type: 'noop',
  goStruct: 'NoopToxic',
  attributes: [],
  createPipe: (_attributes, output) => new NoopPipe(output),
};
