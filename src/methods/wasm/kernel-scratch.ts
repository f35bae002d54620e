import { simdKernels } from "./simd-kernels.js";

/**
 * Scratch arrays for one merge step, in the kernels' memory when the SIMD kernels are in use (so
 * the kernels work on them in place, with nothing copied in or out), else ordinary typed arrays.
 *
 * A bump allocator: `resetKernelScratch` at the start of a step (the executor's runStep,
 * mergeChunked) makes all of the memory free again, so arrays handed out must not be kept past
 * the step. The memory never grows; when it is full, ordinary arrays are handed out instead, and
 * the kernels' callers see that and run their TypeScript loops on them. Contents are unspecified
 * (a reused region holds an earlier step's data): callers that need zeros fill them.
 */

let next = -1;

/** Makes all of the scratch memory free again (arrays from before must no longer be used). */
export function resetKernelScratch(): void {
  const kernels = simdKernels();
  next = kernels ? kernels.scratchStart : -1;
}

/** `bytes` bytes at a 64-byte boundary of the kernels' memory, or undefined when none are free. */
function allocate(bytes: number): number | undefined {
  const kernels = simdKernels();
  if (!kernels) return undefined;
  if (next < kernels.scratchStart) next = kernels.scratchStart;
  const at = next;
  if (at + bytes > kernels.scratchEnd) return undefined;
  next = at + Math.ceil(Math.max(bytes, 1) / 64) * 64;
  return at;
}

export function scratchFloats(length: number): Float32Array {
  const at = allocate(4 * length);
  return at === undefined ? new Float32Array(length) : new Float32Array(simdKernels()!.buffer, at, length);
}

export function scratchDoubles(length: number): Float64Array {
  const at = allocate(8 * length);
  return at === undefined ? new Float64Array(length) : new Float64Array(simdKernels()!.buffer, at, length);
}

export function scratchWords(length: number): Uint32Array {
  const at = allocate(4 * length);
  return at === undefined ? new Uint32Array(length) : new Uint32Array(simdKernels()!.buffer, at, length);
}

export function scratchBytes(length: number): Uint8Array {
  const at = allocate(length);
  return at === undefined ? new Uint8Array(length) : new Uint8Array(simdKernels()!.buffer, at, length);
}
