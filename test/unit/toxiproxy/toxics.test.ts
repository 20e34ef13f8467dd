/** Each toxic's pipe on its own, timed by a FakeClock: exact delays, exact cuts, no sockets. */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { createRandom } from '../../../harness/core/random.js';
import type { Chunk, ChunkSink, EndKind } from '../../../harness/toxiproxy/chunk.js';
import type {
  PipeContext,
  ToxicAttributes,
  ToxicDefinition,
  ToxicPipe,
} from '../../../harness/toxiproxy/toxic.js';
import { findToxicDefinition } from '../../../harness/toxiproxy/toxics/index.js';
import { slicePoints } from '../../../harness/toxiproxy/toxics/slicer.js';

/** Records what a pipe writes, with the fake time it was written. */
class RecordingSink implements ChunkSink {
  readonly writes: { at: number; text: string; timestampMs: number }[] = [];
  ended: { at: number; kind: EndKind } | undefined;
  constructor(private readonly clock: FakeClock) {}
  write(chunk: Chunk): void {
    this.writes.push({ at: this.clock.now(), text: chunk.data.toString(), timestampMs: chunk.timestampMs });
  }
  end(kind: EndKind): void {
    this.ended ??= { at: this.clock.now(), kind };
  }
  get text(): string {
    return this.writes.map((w) => w.text).join('');
  }
}

interface Harness {
  clock: FakeClock;
  sink: RecordingSink;
  pipe: ToxicPipe;
  dropped: number[];
  resets: number[];
  write(text: string | Buffer): void;
}

function run(
  type: string,
  attributes: ToxicAttributes,
  options: { seed?: number; state?: unknown } = {},
): Harness {
  const definition = findToxicDefinition(type) as ToxicDefinition;
  const clock = new FakeClock();
  const sink = new RecordingSink(clock);
  const dropped: number[] = [];
  const resets: number[] = [];
  const context: PipeContext = {
    clock,
    random: createRandom(options.seed ?? 1),
    dropped: (bytes) => dropped.push(bytes),
    resetConnection: () => resets.push(clock.now()),
  };
  const state = options.state ?? definition.newState?.();
  const pipe = definition.createPipe(attributes, sink, context, state);
  const write = (data: string | Buffer): void =>
    pipe.write({ data: Buffer.isBuffer(data) ? data : Buffer.from(data), timestampMs: clock.now() });
  return { clock, sink, pipe, dropped, resets, write };
}

describe('latency', () => {
  it('delivers each chunk exactly `latency` ms after it was read, in order, then the end', async () => {
    const t = run('latency', { latency: 100, jitter: 0 });
    t.write('a');
    await t.clock.advance(30);
    t.write('b');
    t.pipe.end('eof');
    await t.clock.advance(69);
    expect(t.sink.writes).toEqual([]);
    await t.clock.advance(1);
    expect(t.sink.writes.map((w) => [w.at, w.text])).toEqual([[100, 'a']]);
    await t.clock.advance(30);
    expect(t.sink.writes.map((w) => [w.at, w.text])).toEqual([
      [100, 'a'],
      [130, 'b'],
    ]);
    expect(t.sink.ended).toEqual({ at: 130, kind: 'eof' });
  });

  it('stamps delivered chunks with their due time so a second latency toxic adds its own delay', async () => {
    const first = run('latency', { latency: 100 });
    first.write('x');
    await first.clock.advance(100);
    expect(first.sink.writes[0]?.timestampMs).toBe(100);
  });

  it('keeps jitter within [latency - jitter, latency + jitter)', async () => {
    const t = run('latency', { latency: 100, jitter: 20 }, { seed: 7 });
    const delays: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = t.clock.now();
      t.write(String(i));
      await t.clock.advance(120); // the fake clock fires the timer at its due time and records it
      delays.push((t.sink.writes.at(-1)?.at ?? Number.NaN) - start);
    }
    expect(t.sink.writes).toHaveLength(200);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...delays)).toBeLessThan(120);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('hands back what it holds when interrupted, without waiting', async () => {
    const t = run('latency', { latency: 1000 });
    t.write('held1');
    t.write('held2');
    t.pipe.end('eof');
    const held = t.pipe.interrupt();
    expect(held.chunks.map((c) => c.data.toString())).toEqual(['held1', 'held2']);
    expect(held.end).toBe('eof');
    expect(t.clock.pendingTimers()).toBe(0);
  });
});

describe('bandwidth', () => {
  it('spends bytes/rate ms per chunk (rate KB/s = bytes per ms)', async () => {
    const t = run('bandwidth', { rate: 10 }); // 10 bytes per ms
    t.write(Buffer.alloc(500)); // 50 ms
    t.write(Buffer.alloc(200)); // 20 ms more
    await t.clock.advance(49);
    expect(t.sink.writes).toHaveLength(0);
    await t.clock.advance(1);
    expect(t.sink.writes.map((w) => w.at)).toEqual([50]);
    await t.clock.advance(20);
    expect(t.sink.writes.map((w) => w.at)).toEqual([50, 70]);
  });

  it('slices chunks larger than 100 ms worth of bytes into 100 ms pieces', async () => {
    const t = run('bandwidth', { rate: 1 }); // 100 bytes per 100 ms
    t.write(Buffer.alloc(250));
    await t.clock.advance(250);
    expect(t.sink.writes.map((w) => [w.at, w.text.length])).toEqual([
      [100, 100],
      [200, 100],
      [250, 50],
    ]);
  });

  it('passes everything at once with a rate of 0 (unlimited)', () => {
    const t = run('bandwidth', { rate: 0 });
    t.write('abc');
    expect(t.sink.text).toBe('abc');
  });
});

describe('slow_close', () => {
  it('passes data at once and the end after `delay`', async () => {
    const t = run('slow_close', { delay: 300 });
    t.write('bye');
    t.pipe.end('eof');
    expect(t.sink.text).toBe('bye');
    await t.clock.advance(299);
    expect(t.sink.ended).toBeUndefined();
    await t.clock.advance(1);
    expect(t.sink.ended).toEqual({ at: 300, kind: 'eof' });
  });
});

describe('timeout', () => {
  it('drops all data and closes the connection after `timeout`', async () => {
    const t = run('timeout', { timeout: 200 });
    t.write('lost');
    expect(t.sink.writes).toEqual([]);
    expect(t.dropped).toEqual([4]);
    await t.clock.advance(199);
    expect(t.sink.ended).toBeUndefined();
    await t.clock.advance(1);
    expect(t.sink.ended).toEqual({ at: 200, kind: 'close' });
  });

  it('with timeout 0 never closes', async () => {
    const t = run('timeout', { timeout: 0 });
    t.write('lost');
    await t.clock.advance(3_600_000);
    expect(t.sink.ended).toBeUndefined();
    expect(t.clock.pendingTimers()).toBe(0);
  });

  it('is marked to close its connections when removed', () => {
    expect(findToxicDefinition('timeout')?.closesOnRemove).toBe(true);
    expect(findToxicDefinition('latency')?.closesOnRemove).toBeFalsy();
  });
});

describe('reset_peer', () => {
  it('on the first data: drops it, waits `timeout`, then resets the connection once', async () => {
    const t = run('reset_peer', { timeout: 50 });
    await t.clock.advance(1000);
    expect(t.resets).toEqual([]);
    t.write('first');
    t.write('second');
    expect(t.dropped).toEqual([5, 6]);
    await t.clock.advance(49);
    expect(t.resets).toEqual([]);
    await t.clock.advance(100);
    expect(t.resets).toEqual([1050]);
    expect(t.sink.writes).toEqual([]);
  });

  it('on end of stream with timeout 0: resets at once', () => {
    const t = run('reset_peer', { timeout: 0 });
    t.pipe.end('eof');
    expect(t.resets).toEqual([0]);
    expect(t.sink.ended).toBeUndefined();
  });
});

describe('limit_data', () => {
  it('forwards exactly `bytes` bytes, then closes', () => {
    const t = run('limit_data', { bytes: 10 });
    t.write('abcdef');
    t.write('ghijklmno');
    expect(t.sink.text).toBe('abcdefghij');
    expect(t.sink.ended).toEqual({ at: 0, kind: 'close' });
    expect(t.dropped).toEqual([5]);
  });

  it('counts bytes per link across updates (the state outlives the pipe)', () => {
    const state = findToxicDefinition('limit_data')?.newState?.();
    const first = run('limit_data', { bytes: 8 }, { state });
    first.write('abcde');
    const second = run('limit_data', { bytes: 8 }, { state });
    second.write('fghij');
    expect(second.sink.text).toBe('fgh');
    expect(second.sink.ended?.kind).toBe('close');
  });
});

describe('slicer', () => {
  it('cuts a chunk into pieces no larger than average + variation that add up to it', () => {
    const random = createRandom(3);
    for (const [size, average, variation] of [
      [1000, 100, 20],
      [4096, 64, 0],
      [7, 1, 0],
      [50, 100, 10],
    ] as const) {
      const ends = slicePoints(size, average, variation, random);
      expect(ends.at(-1)).toBe(size);
      const lengths = ends.map((end, i) => end - (i === 0 ? 0 : (ends[i - 1] as number)));
      for (const length of lengths) {
        expect(length).toBeGreaterThan(0);
        expect(length).toBeLessThanOrEqual(Math.max(1, average + variation));
      }
      if (size > average + variation) expect(lengths.length).toBeGreaterThan(1);
    }
  });

  it('never loops on zero sizes', () => {
    expect(slicePoints(5, 0, 0, () => 0.5)).toEqual([1, 2, 3, 4, 5]);
    expect(slicePoints(0, 10, 2, () => 0.5)).toEqual([]);
  });

  it('writes the pieces with `delay` µs between them', async () => {
    const t = run('slicer', { average_size: 10, size_variation: 0, delay: 2000 });
    t.write('x'.repeat(40));
    expect(t.sink.writes).toHaveLength(1);
    await t.clock.advance(6);
    expect(t.sink.writes.map((w) => [w.at, w.text.length])).toEqual([
      [0, 10],
      [2, 10],
      [4, 10],
      [6, 10],
    ]);
  });
});

describe('noop', () => {
  it('passes data and the end through untouched', () => {
    const t = run('noop', {});
    t.write('same');
    t.pipe.end('eof');
    expect(t.sink.text).toBe('same');
    expect(t.sink.ended?.kind).toBe('eof');
  });
});
