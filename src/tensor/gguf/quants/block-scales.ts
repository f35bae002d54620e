/**
 * Shared helpers for block-quantised formats: every ggml block stores its scales as IEEE half
 * floats. Gathering all of a tensor's half scales first and converting them in one f16ToF32 call
 * keeps the per-element loops free of conversions and allocations.
 */
import { f16ToF32 } from "../../codecs/float16.js";

/** The half float at `offset` inside each of `blocks` blocks of `blockBytes` bytes, as float32. */
export function halfScales(src: Uint8Array, blocks: number, blockBytes: number, offset: number): Float32Array {
  const halves = new Uint16Array(blocks);
  for (let b = 0, p = offset; b < blocks; b++, p += blockBytes) {
    halves[b] = src[p] | (src[p + 1] << 8);
  }
  return f16ToF32(halves);
}

/**
 * Number of blocks in `src`, after checking it is a whole number of blocks and that `dst` (when
 * given) can hold the decoded values.
 */
export function blockCount(format: string, src: Uint8Array, blockBytes: number, blockSize: number, dst?: Float32Array): number {
  if (src.length % blockBytes !== 0) {
    throw new RangeError(`${format}: ${src.length} bytes is not a whole number of ${blockBytes}-byte blocks`);
  }
  const blocks = src.length / blockBytes;
  if (dst !== undefined && dst.length < blocks * blockSize) {
    throw new RangeError(`${format}: destination holds ${dst.length} values but ${blocks * blockSize} are needed`);
  }
  return blocks;
}
