/**
 * Q5_0: blocks of 32 values = half scale d, a 32-bit little-endian word qh of high bits (bit j is
 * the fifth bit of value j), then 16 bytes of low nibbles laid out as in Q4_0;
 * value = (5-bit quant - 16) * d (ggml `block_q5_0`).
 */
import { blockCount, halfScales } from "./block-scales.js";

const BLOCK = 32;
const BYTES = 22;

export function dequantizeQ5_0(src: Uint8Array, dst?: Float32Array): Float32Array {
  const blocks = blockCount("Q5_0", src, BYTES, BLOCK, dst);
  const out = dst ?? new Float32Array(blocks * BLOCK);
  const d = halfScales(src, blocks, BYTES, 0);
  for (let b = 0; b < blocks; b++) {
    const scale = d[b];
    const p = b * BYTES;
    const qh = (src[p + 2] | (src[p + 3] << 8) | (src[p + 4] << 16) | (src[p + 5] << 24)) >>> 0;
    const qs = p + 6;
    const y = b * BLOCK;
    for (let j = 0; j < 16; j++) {
      const q = src[qs + j];
      const hi0 = ((qh >>> j) & 1) << 4;
      const hi1 = ((qh >>> (j + 16)) & 1) << 4;
      out[y + j] = (((q & 0x0f) | hi0) - 16) * scale;
      out[y + j + 16] = (((q >> 4) | hi1) - 16) * scale;
    }
  }
  return out;
}
