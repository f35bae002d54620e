import { isBulkRandom, type RandomSource } from "./create-random.js";

/**
 * Bernoulli(`density`) keep flags, drawn a block at a time: `flags[j]` becomes 1 or 0 for the next
 * `length` elements, consuming exactly one draw per element in order: the same stream and the
 * same flags as `+(random() < density)` element by element.
 *
 * With a `createRandom` source the draws are raw 32-bit outputs compared with `density * 2**32`:
 * `random()` is `bits / 2**32` and both scalings by a power of two are exact, so
 * `bits < density * 2**32` iff `random() < density`, without a closure call per element. Other
 * sources are called per element.
 *
 * Callers loop over blocks of KEEP_BLOCK themselves (a callback per block would make V8 reload
 * every captured array inside the hot loop).
 */

/** Elements per block: small enough to stay in L1 next to the caller's arrays. */
export const KEEP_BLOCK = 4096;

// Raw draws for one block, reused by every call (merges are synchronous, one at a time per thread).
const bits = new Uint32Array(KEEP_BLOCK);

/** Fills `flags[0..length)` (length <= KEEP_BLOCK) with the next keep flags. */
export function drawKeepFlags(random: RandomSource, density: number, flags: Float64Array, length: number): void {
  if (isBulkRandom(random)) {
    random.fillBits(bits, length);
    flagsOfDraws(bits, keepCut(density), flags, length);
  } else {
    for (let j = 0; j < length; j++) flags[j] = +(random() < density);
  }
}

/** What a raw 32-bit draw is compared with: kept when below `density * 2^32`. */
export function keepCut(density: number): number {
  return density * 4294967296;
}

/** `flags[j] = +(draws[j] < cut)` for j < length: the keep flags of raw draws. */
export function flagsOfDraws(draws: Uint32Array, cut: number, flags: Float64Array, length: number): void {
  for (let j = 0; j < length; j++) flags[j] = +(draws[j] < cut);
}
