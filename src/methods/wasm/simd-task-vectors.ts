import { allInKernelMemory, inKernelMemory, simdKernels } from "./simd-kernels.js";

/**
 * Task vectors, their L1 norms, xoshiro128** draws and DARE's drop on the SIMD kernels (see task-vectors.ts and
 * chunked-random-merge.ts for the TypeScript loops). Each returns whether it did the work; when
 * not, the caller runs its loop on the same arguments.
 */

/** out = float32(x - base). */
export function simdTaskVector(x: Float32Array, base: Float32Array, out: Float32Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, out) || !inKernelMemory(k, x) || !inKernelMemory(k, base)) return false;
  return k.exports.taskVector(x.byteOffset, base.byteOffset, out.byteOffset, out.length) === 1;
}

/** out = float32(x - base), returning sum + its L1 norm; undefined when the loop must run. */
export function simdTaskVectorL1(x: Float32Array, base: Float32Array, out: Float32Array, sum: number): number | undefined {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, out) || !inKernelMemory(k, x) || !inKernelMemory(k, base)) return undefined;
  const total = k.exports.taskVectorL1(x.byteOffset, base.byteOffset, out.byteOffset, out.length, sum);
  return Number.isNaN(total) ? undefined : total;
}

/** sum + |values[0]| + ... + |values[length - 1]|; undefined when the loop must run. */
export function simdAddL1(values: Float32Array, length: number, sum: number): number | undefined {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, values)) return undefined;
  const total = k.exports.addL1(values.byteOffset, length, sum);
  return Number.isNaN(total) ? undefined : total;
}

/**
 * The next `count` raw draws of the xoshiro128** stream whose state is in `state` (4 words, as
 * createRandom's getState writes it) into out[0..count), advancing `state`: createRandom's
 * fillBits. `jump` is xoshiro-jump.ts's jumpTable(jumpMatrix(quarter)) (see wasm/assembly/random-drop.ts).
 */
export function simdFillDraws(state: Uint32Array, jump: Uint32Array, quarter: number, out: Uint32Array, count: number): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, state) || !inKernelMemory(k, jump) || !inKernelMemory(k, out)) return false;
  if (out.length < count || jump.length < 2048 || state.length < 4) throw new RangeError(`simdFillDraws: ${count} draws into ${out.length}, jump table of ${jump.length} words, state of ${state.length}`);
  k.exports.fillDraws(state.byteOffset, jump.byteOffset, quarter, out.byteOffset, count);
  return true;
}

/**
 * One block of DARE's drop pass over elements [from, to) of the chunks `x` and `base` on its raw
 * 32-bit draws, kept when below `cut` (density * 2^32): the L1 lanes of the norms before and
 * after carried in `lanes` (16 doubles, see task-vectors.ts), flags set as bits (offset + i) of
 * `keep`. The NaN bits of a norm may differ from the loop's; nothing reads them (rescaleFactor
 * turns any NaN norm into a factor of 1).
 */
export function simdDropDraws(x: Float32Array, base: Float32Array, draws: Uint32Array, cut: number, from: number, to: number, offset: number, keep: Uint32Array, lanes: Float64Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, x) || !inKernelMemory(k, base) || !inKernelMemory(k, draws) || !inKernelMemory(k, keep) || !inKernelMemory(k, lanes)) return false;
  k.exports.dropDraws(x.byteOffset + 4 * from, base.byteOffset + 4 * from, draws.byteOffset, cut, to - from, offset + from, keep.byteOffset, lanes.byteOffset);
  return true;
}

/** A model's arrays in a drop pass: its stream's state, keep bits and L1 lanes. */
export interface DropArrays {
  readonly state: Uint32Array;
  readonly keep: Uint32Array;
  readonly lanes: Float64Array;
}

/**
 * DARE's drop with the draws made in the kernel, bound to a pass's arrays (checked to lie in kernel
 * memory once, not per chunk): the returned function drops the first `length` elements of `x` and
 * `base` (at tensor position `offset`) for model `m` of `models`, drawing from and back into its
 * state: simdFillDraws then simdDropDraws a block of 4 * quarter at a time, `draws` being 4 *
 * quarter words of scratch. Undefined when the loops must run (no kernels, or an array outside).
 */
export function simdRandomDropper(
  pass: { readonly x: Float32Array; readonly base: Float32Array; readonly jump: Uint32Array; readonly quarter: number; readonly draws: Uint32Array },
  models: readonly DropArrays[],
): ((m: number, cut: number, length: number, offset: number) => void) | undefined {
  const k = simdKernels();
  const { x, base, jump, quarter, draws } = pass;
  if (!(quarter >= 1) || draws.length < 4 * quarter || jump.length < 2048) throw new RangeError(`simdRandomDropper: ${draws.length} draws of scratch for quarter ${quarter}, jump table of ${jump.length} words`);
  if (!k || !allInKernelMemory(k, [x, base, jump, draws])) return undefined;
  for (const arrays of models) if (arrays.state.length < 4 || !allInKernelMemory(k, [arrays.state, arrays.keep, arrays.lanes])) return undefined;
  const at = models.map((arrays) => ({ state: arrays.state.byteOffset, keep: arrays.keep.byteOffset, lanes: arrays.lanes.byteOffset, bits: 32 * arrays.keep.length }));
  const randomDrop = k.exports.randomDrop;
  const [xAt, baseAt, jumpAt, drawsAt] = [x.byteOffset, base.byteOffset, jump.byteOffset, draws.byteOffset];
  return (m, cut, length, offset) => {
    const a = at[m];
    if (length > x.length || length > base.length || offset + length > a.bits) throw new RangeError(`simdRandomDropper: ${length} elements at ${offset} (chunks of ${x.length}, ${a.bits} keep bits)`);
    randomDrop(xAt, baseAt, a.state, jumpAt, quarter, drawsAt, cut, length, offset, a.keep, a.lanes);
  };
}

/** delta[i] *= bit (start + i) of `keep`; on false the caller applies its loop to the same deltas. */
export function simdApplyKeepBits(delta: Float32Array, keep: Uint32Array, start: number): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, delta) || !inKernelMemory(k, keep)) return false;
  return k.exports.applyKeepBits(delta.byteOffset, delta.length, keep.byteOffset, start) === 1;
}
