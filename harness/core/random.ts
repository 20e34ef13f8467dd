/**
 * Seeded randomness. Drills must be repeatable: the same seed gives the same request mix, so two
 * runs of a scenario differ only in what the system under drill did.
 */

/**
 * mulberry32: a tiny 32-bit generator, fast and well distributed enough for choosing requests and
 * jitter (not for cryptography). Returns numbers in [0, 1), like Math.random.
 */
export function createRandom(seed: number): () => number {
  // Any integer (negative, beyond 32 bits) is folded into one 32-bit state so every seed is valid.
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
