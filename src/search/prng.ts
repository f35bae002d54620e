/**
 * The search's seeded random source. Optimisers must be a deterministic function of their seed
 * and the results they are told (the loop rebuilds them after a crash by replaying its journal),
 * so nothing here touches `Math.random`, and the whole generator state is one 32-bit integer that
 * `snapshot()` can store as JSON.
 *
 * Uniforms: mulberry32 (period 2^32, passes PractRand to 32 GB: ample for the few thousand draws
 * of a merge search). Normals: Box–Muller, using only the cosine branch so that the state stays a
 * single integer (no cached spare); the second uniform costs a few nanoseconds.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** The generator state: `createPrng(0, state)` continues exactly where this one is. */
  state(): number;
}

/** Seeds are hashed once so that nearby seeds (1, 2, 3) start far apart in the sequence. */
function mixSeed(seed: number): number {
  let h = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A generator for `seed`, or one resuming from a saved `state` (then `seed` is ignored). */
export function createPrng(seed: number, state?: number): Prng {
  let s = state !== undefined ? state >>> 0 : mixSeed(seed);
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    // 1 - u is in (0, 1], so the logarithm is finite.
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
    state: () => s,
  };
}
