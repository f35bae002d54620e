/**
 * Q8_0: blocks of 32 values = half scale d, then 32 signed bytes; value = q * d (ggml `block_q8_0`).
 * Quantisation follows ggml's reference `quantize_row_q8_0_ref`, which llama-quantize uses:
 * d = amax / 127 in float32, id = 1/d, q = roundf(x * id) (halves away from zero), d stored as half.
 */
import { f32ToF16 } from "../../codecs/float16.js";
import { blockCount, halfScales } from "./block-scales.js";

const BLOCK = 32;
const BYTES = 34;
/** Largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

export function dequantizeQ8_0(src: Uint8Array, dst?: Float32Array): Float32Array {
  const blocks = blockCount("Q8_0", src, BYTES, BLOCK, dst);
  const out = dst ?? new Float32Array(blocks * BLOCK);
  const d = halfScales(src, blocks, BYTES, 0);
  const signed = new Int8Array(src.buffer, src.byteOffset, src.length);
  for (let b = 0; b < blocks; b++) {
    const scale = d[b];
    const qs = b * BYTES + 2;
    const y = b * BLOCK;
    for (let j = 0; j < BLOCK; j++) out[y + j] = signed[qs + j] * scale;
  }
  return out;
}

/**
 * Quantises float32 values (a multiple of 32 of them, all finite) to Q8_0 blocks, bit-identical to
 * ggml's reference quantiser. Each value's error is at most half a quantisation step plus the
 * effect of rounding d to half precision. `first` is the flat index of `src[0]` in its tensor
 * (a chunk's start), for the error that names a non-finite value.
 */
export function quantizeQ8_0(src: Float32Array, first = 0): Uint8Array {
  if (src.length % BLOCK !== 0) {
    throw new RangeError(`quantizeQ8_0: ${src.length} values is not a whole number of ${BLOCK}-value blocks`);
  }
  const blocks = src.length / BLOCK;
  const out = new Uint8Array(blocks * BYTES);
  const scales = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const x = b * BLOCK;
    let amax = 0;
    for (let j = 0; j < BLOCK; j++) {
      const a = Math.abs(src[x + j]);
      if (a > amax) amax = a;
      // One comparison catches both NaN (every comparison is false) and ±Infinity.
      if (!(a <= F32_MAX)) {
        throw new RangeError(`quantizeQ8_0: value ${first + x + j} is ${src[x + j]}; Q8_0 can only hold finite values`);
      }
    }
    // Math.fround mirrors ggml's float32 arithmetic step by step, so rounding decisions match.
    const d = Math.fround(amax / 127);
    const id = d === 0 ? 0 : Math.fround(1 / d);
    scales[b] = d;
    const qs = b * BYTES + 2;
    for (let j = 0; j < BLOCK; j++) {
      const v = Math.fround(src[x + j] * id);
      // roundf: halves go away from zero (Math.round would send -2.5 to -2).
      const q = v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
      out[qs + j] = q & 0xff;
    }
  }
  const halves = f32ToF16(scales);
  for (let b = 0, p = 0; b < blocks; b++, p += BYTES) {
    out[p] = halves[b] & 0xff;
    out[p + 1] = halves[b] >> 8;
  }
  return out;
}
