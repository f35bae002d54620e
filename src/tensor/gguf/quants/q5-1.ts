/**
 * Q5_1: blocks of 32 values = half scale d, half minimum m, 32-bit high-bit word qh, 16 bytes of low
 * nibbles (layout as Q5_0); value = 5-bit quant * d + m (ggml `block_q5_1`).
 */
import { blockCount, halfScales } from "./block-scales.js";

const BLOCK = 32;
const BYTES = 24;

export function dequantizeQ5_1(src: Uint8Array, dst?: Float32Array): Float32Array {
  const blocks = blockCount("Q5_1", src, BYTES, BLOCK, dst);
  const out = dst ?? new Float32Array(blocks * BLOCK);
  const d = halfScales(src, blocks, BYTES, 0);
  const m = halfScales(src, blocks, BYTES, 2);
  for (let b = 0; b < blocks; b++) {
    const scale = d[b];
    const min = m[b];
    const p = b * BYTES;
    const qh = (src[p + 4] | (src[p + 5] << 8) | (src[p + 6] << 16) | (src[p + 7] << 24)) >>> 0;
    const qs = p + 8;
    const y = b * BLOCK;
    for (let j = 0; j < 16; j++) {
      const q = src[qs + j];
      const hi0 = ((qh >>> j) & 1) << 4;
      const hi1 = ((qh >>> (j + 16)) & 1) << 4;
      out[y + j] = ((q & 0x0f) | hi0) * scale + min;
      out[y + j + 16] = ((q >> 4) | hi1) * scale + min;
    }
  }
  return out;
}
