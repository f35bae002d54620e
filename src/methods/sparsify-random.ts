import type { RandomSource } from "./create-random.js";
import { KEEP_BLOCK, drawKeepFlags } from "./random-keep-flags.js";

/**
 * DARE "drop" step (Yu et al., "Language Models are Super Mario", https://arxiv.org/abs/2311.03099):
 * keep each entry independently with probability `density`, in place. `density >= 1` keeps all;
 * density 0 drops everything. The rescale is not done here: the task-vector merge matches L1 norms
 * afterwards, as mergekit does. `mask` (1 = keep) replaces the draw, for replaying recorded masks.
 */
export function sparsifyRandom(delta: Float32Array, density: number, random: RandomSource, mask?: Uint8Array): void {
  if (density >= 1) return;
  const n = delta.length;
  // Bernoulli(0) is all zeros: nothing to draw (keeps density-0 merges deterministic).
  if (density <= 0) {
    delta.fill(0);
    return;
  }
  // Multiplying by the 0/1 keep flag (as mergekit multiplies by its Bernoulli mask) is branch-free:
  // about twice as fast as a data-dependent branch that mispredicts at random.
  if (mask) {
    for (let i = 0; i < n; i++) delta[i] *= +(mask[i] !== 0);
    return;
  }
  const flags = new Float64Array(KEEP_BLOCK);
  for (let start = 0; start < n; start += KEEP_BLOCK) {
    const end = Math.min(start + KEEP_BLOCK, n);
    drawKeepFlags(random, density, flags, end - start);
    applyFlags(delta, flags, start, end);
  }
}

/** One block of `delta[i] *= flag`; a separate function for the reason given in task-vectors.ts. */
function applyFlags(delta: Float32Array, flags: Float64Array, start: number, end: number): void {
  for (let i = start, j = 0; i < end; i++, j++) delta[i] *= flags[j];
}
