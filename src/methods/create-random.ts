/**
 * Deterministic uniform random source for the stochastic methods (dare, della).
 *
 * xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/) on 32-bit integer maths, seeded
 * through splitmix32 so that nearby seeds give unrelated streams. It is not torch's generator
 * (that cannot be reproduced outside torch), so smelt's masks differ from mergekit's; only their
 * distribution matches. Same seed -> same sequence on every platform and Node version.
 */

/** A function returning uniform numbers in [0, 1) with 32 bits of resolution. */
export type RandomSource = () => number;

/** 32-bit FNV-1a hash of a string's UTF-16 code units; used to turn string seeds into numbers. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: a good 32-bit mixer for seeding. Returns [next state, output]. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** Folds a number seed (any double, e.g. 42 or 2**40 + 3) into 32 bits without losing the high part. */
function foldSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`random seed must be finite, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
}

/**
 * A `RandomSource` from `createRandom`: also hands out its raw 32-bit outputs in bulk, continuing
 * the same stream (`random()` is exactly `bits / 2**32`). Hot loops use it to avoid one closure
 * call per element; any other source falls back to calling it.
 */
export interface BulkRandomSource extends RandomSource {
  /** Writes the next `count` raw 32-bit outputs into `out[0..count)`. */
  readonly fillBits: (out: Uint32Array, count: number) => void;
  /** Writes the generator's state (xoshiro128**'s words a, b, c, d) into `out[0..4)`. */
  readonly getState: (out: Uint32Array) => void;
  /**
   * Continues the stream from `state[0..4)` (as getState wrote it, possibly advanced since by the
   * same steps elsewhere: the SIMD draw kernel, or a jump, see xoshiro-jump.ts).
   */
  readonly setState: (state: Uint32Array) => void;
}

/** Whether `random` can draw in bulk (it came from `createRandom`). */
export function isBulkRandom(random: RandomSource): random is BulkRandomSource {
  return typeof (random as Partial<BulkRandomSource>).fillBits === "function";
}

/** Creates a seeded xoshiro128** source. A string seed is hashed first. */
export function createRandom(seed: number | string): BulkRandomSource {
  let state = typeof seed === "string" ? hashString(seed) : foldSeed(seed);
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  [state, a] = splitmix32(state);
  [state, b] = splitmix32(state);
  [state, c] = splitmix32(state);
  [state, d] = splitmix32(state);
  // xoshiro's all-zero state is a fixed point; splitmix32 never yields four zeros, but be explicit.
  if ((a | b | c | d) === 0) a = 1;
  const random = () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 4294967296;
  };
  // The same step as above on local copies of the state (registers, not closure slots).
  const fillBits = (out: Uint32Array, count: number): void => {
    let sa = a;
    let sb = b;
    let sc = c;
    let sd = d;
    for (let i = 0; i < count; i++) {
      const x = Math.imul(sb, 5);
      out[i] = Math.imul((x << 7) | (x >>> 25), 9);
      const t = sb << 9;
      sc ^= sa;
      sd ^= sb;
      sb ^= sc;
      sa ^= sd;
      sc ^= t;
      sd = (sd << 11) | (sd >>> 21);
    }
    a = sa;
    b = sb;
    c = sc;
    d = sd;
  };
  const getState = (out: Uint32Array): void => {
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
  };
  const setState = (state: Uint32Array): void => {
    if ((state[0] | state[1] | state[2] | state[3]) === 0) throw new RangeError("xoshiro128**'s all-zero state is a fixed point, never a state of createRandom's stream");
    a = state[0] | 0;
    b = state[1] | 0;
    c = state[2] | 0;
    d = state[3] | 0;
  };
  return Object.assign(random, { fillBits, getState, setState });
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Per-tensor seed derived from the recipe seed and the tensor name, so each tensor's masks are
 * independent of the order (or thread) in which tensors are merged.
 */
export function tensorSeed(recipeSeed: number | string, tensorName: string): number {
  const base = typeof recipeSeed === "string" ? hashString(recipeSeed) : foldSeed(recipeSeed);
  const [, mixed] = splitmix32((base ^ hashString(tensorName)) >>> 0);
  return mixed;
}
