/**
 * A link's chain on fake sockets and a FakeClock: toxics added, updated and removed while data is in
 * flight keep every byte in order; flow control pauses the source.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import type { EndKind } from '../../../harness/toxiproxy/chunk.js';
import { Link, type LinkToxic } from '../../../harness/toxiproxy/link.js';
import type { ToxicAttributes, ToxicDefinition } from '../../../harness/toxiproxy/toxic.js';
import { findToxicDefinition } from '../../../harness/toxiproxy/toxics/index.js';

/** Just the parts of a Socket a Link uses. */
class FakeSocket extends EventEmitter {
  readonly written: string[] = [];
  ended = false;
  paused = false;
  destroyed = false;
  /** What write() answers: false simulates a full socket buffer. */
  acceptWrites = true;
  write(data: Buffer): boolean {
    this.written.push(data.toString());
    return this.acceptWrites;
  }
  end(): void {
    this.ended = true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  get text(): string {
    return this.written.join('');
  }
}

function toxic(type: string, name: string, attributes: ToxicAttributes, toxicity = 1): LinkToxic {
  return { name, definition: findToxicDefinition(type) as ToxicDefinition, attributes, toxicity };
}

function setup(toxics: LinkToxic[] = [], random: () => number = () => 0.5) {
  const clock = new FakeClock();
  const source = new FakeSocket();
  const dest = new FakeSocket();
  const ends: EndKind[] = [];
  let resets = 0;
  const link = new Link(
    {
      direction: 'downstream',
      // The Link only touches the Socket members FakeSocket implements.
      source: source as unknown as Socket,
      dest: dest as unknown as Socket,
      clock,
      random,
      resetConnection: () => void resets++,
      onEnded: (kind) => ends.push(kind),
    },
    toxics,
  );
  link.start();
  const send = (text: string): void => void source.emit('data', Buffer.from(text));
  return { clock, source, dest, link, ends, send, resets: () => resets };
}

describe('Link', () => {
  it('without toxics writes each chunk straight through and passes a half-close on', () => {
    const t = setup();
    t.send('hello ');
    t.send('world');
    expect(t.dest.text).toBe('hello world');
    t.source.emit('end');
    expect(t.dest.ended).toBe(true);
    expect(t.ends).toEqual(['eof']);
  });

  it('applies a toxic added while the link is live to the next chunk', async () => {
    const t = setup();
    t.send('before ');
    t.link.addToxic(toxic('latency', 'lat', { latency: 50 }));
    t.send('after');
    expect(t.dest.text).toBe('before ');
    await t.clock.advance(50);
    expect(t.dest.text).toBe('before after');
  });

  it('removing a latency toxic releases the chunks it held at once, in order', async () => {
    const t = setup([toxic('latency', 'lat', { latency: 1000 })]);
    t.send('a');
    t.send('b');
    await t.clock.advance(10);
    t.link.removeToxic('lat');
    expect(t.dest.text).toBe('ab');
    t.send('c');
    expect(t.dest.text).toBe('abc');
  });

  it('removing a toxic in the middle of a chain keeps the rest of the chain', async () => {
    const t = setup([
      toxic('latency', 'first', { latency: 100 }),
      toxic('latency', 'second', { latency: 100 }),
    ]);
    t.send('x');
    t.link.removeToxic('first');
    expect(t.link.toxicNames).toEqual(['second']);
    await t.clock.advance(99);
    expect(t.dest.text).toBe('');
    await t.clock.advance(1);
    expect(t.dest.text).toBe('x');
  });

  it('several latency toxics add up', async () => {
    const t = setup([toxic('latency', 'a', { latency: 30 }), toxic('latency', 'b', { latency: 70 })]);
    t.send('x');
    await t.clock.advance(99);
    expect(t.dest.text).toBe('');
    await t.clock.advance(1);
    expect(t.dest.text).toBe('x');
  });

  it('updating a toxic re-times what it held with the new settings', async () => {
    const t = setup([toxic('latency', 'lat', { latency: 1000 })]);
    t.send('x');
    await t.clock.advance(10);
    t.link.updateToxic(toxic('latency', 'lat', { latency: 20 }));
    await t.clock.advance(9);
    expect(t.dest.text).toBe('');
    await t.clock.advance(1);
    expect(t.dest.text).toBe('x');
  });

  it('removing an active timeout toxic closes the connection; an inactive one does not', () => {
    const active = setup([toxic('timeout', 'to', { timeout: 0 })]);
    active.send('dropped');
    active.link.removeToxic('to');
    expect(active.dest.text).toBe('');
    expect(active.ends).toEqual(['close']);

    const inactive = setup([toxic('timeout', 'to', { timeout: 0 }, 0)]);
    inactive.send('kept');
    inactive.link.removeToxic('to');
    expect(inactive.dest.text).toBe('kept');
    expect(inactive.ends).toEqual([]);
  });

  it('draws toxicity per link: a draw at or above the toxicity runs the toxic as a pass-through', () => {
    const skipped = setup([toxic('limit_data', 'lim', { bytes: 1 }, 0.4)], () => 0.4);
    skipped.send('all of it');
    expect(skipped.dest.text).toBe('all of it');
    const hit = setup([toxic('limit_data', 'lim', { bytes: 1 }, 0.4)], () => 0.39);
    hit.send('all of it');
    expect(hit.dest.text).toBe('a');
  });

  it('redraws toxicity when a toxic is updated', () => {
    const draws = [0.9, 0.1];
    const t = setup([toxic('limit_data', 'lim', { bytes: 1 }, 0.5)], () => draws.shift() ?? 0.5);
    t.send('ab');
    expect(t.dest.text).toBe('ab'); // drew 0.9: pass-through
    t.link.updateToxic(toxic('limit_data', 'lim', { bytes: 1 }, 0.5));
    t.send('cd');
    expect(t.dest.text).toBe('abc'); // drew 0.1: the toxic, which had counted nothing yet
  });

  it('a toxic closing the stream ends the link once, with kind close', () => {
    const t = setup([toxic('limit_data', 'lim', { bytes: 3 })]);
    t.send('abcdef');
    t.source.emit('end');
    expect(t.dest.text).toBe('abc');
    expect(t.ends).toEqual(['close']);
  });

  it('reset_peer asks the connection for a reset', () => {
    const t = setup([toxic('reset_peer', 'rst', { timeout: 0 })]);
    t.send('x');
    expect(t.resets()).toBe(1);
  });

  it('pauses the source while the destination needs draining, resumes on drain', () => {
    const t = setup();
    t.dest.acceptWrites = false;
    t.send('x');
    expect(t.source.paused).toBe(true);
    t.dest.acceptWrites = true;
    t.dest.emit('drain');
    expect(t.source.paused).toBe(false);
  });

  it('pauses the source when toxics hold more than the high-water mark, resumes when they let go', async () => {
    const t = setup([toxic('latency', 'lat', { latency: 100 })]);
    const megabyte = 'x'.repeat(1024 * 1024);
    t.send(megabyte);
    expect(t.source.paused).toBe(false);
    t.send('y');
    expect(t.source.paused).toBe(true);
    await t.clock.advance(100);
    expect(t.source.paused).toBe(false);
  });

  it('after the source aborts, the chain closes with kind close', () => {
    const t = setup();
    t.link.abortInput();
    expect(t.ends).toEqual(['close']);
    expect(t.dest.ended).toBe(true);
  });
});
