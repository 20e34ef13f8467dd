import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../harness/core/random.js';
import { createRequestMix } from '../../../harness/traffic/request-mix.js';

const specs = [
  { method: 'GET' as const, path: '/api/products', weight: 6 },
  { method: 'POST' as const, path: '/api/checkout', weight: 3, body: { sku: 'a', quantity: 2 } },
  { method: 'GET' as const, path: '/health', weight: 1 },
];

function endpoints(seed: number, count: number): string[] {
  const mix = createRequestMix(specs, createRandom(seed));
  return Array.from({ length: count }, () => mix.next().endpoint);
}

describe('createRequestMix', () => {
  it('picks requests in proportion to their weights', () => {
    const counts = new Map<string, number>();
    for (const endpoint of endpoints(1, 20_000)) counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
    expect((counts.get('GET /api/products') ?? 0) / 20_000).toBeCloseTo(0.6, 1);
    expect((counts.get('POST /api/checkout') ?? 0) / 20_000).toBeCloseTo(0.3, 1);
    expect((counts.get('GET /health') ?? 0) / 20_000).toBeCloseTo(0.1, 1);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(endpoints(9, 200)).toEqual(endpoints(9, 200));
    expect(endpoints(9, 200)).not.toEqual(endpoints(10, 200));
  });

  it('maps draws to requests by cumulative weight', () => {
    const draws = [0, 0.59, 0.6, 0.89, 0.9, 0.999];
    const mix = createRequestMix(specs, () => draws.shift() ?? 0);
    expect(Array.from({ length: 6 }, () => mix.next().path)).toEqual([
      '/api/products',
      '/api/products',
      '/api/checkout',
      '/api/checkout',
      '/health',
      '/health',
    ]);
  });

  it('serializes JSON bodies once, with a content type', () => {
    const mix = createRequestMix(specs, createRandom(1));
    const checkout = mix.requests[1];
    expect(checkout?.body).toBe('{"sku":"a","quantity":2}');
    expect(checkout?.headers).toEqual({ 'content-type': 'application/json' });
    expect(mix.requests[0]?.body).toBeUndefined();
  });

  it('rejects an empty mix and non-positive weights', () => {
    expect(() => createRequestMix([], Math.random)).toThrow(/at least one/);
    expect(() => createRequestMix([{ method: 'GET', path: '/', weight: 0 }], Math.random)).toThrow(/weight/);
  });
});
