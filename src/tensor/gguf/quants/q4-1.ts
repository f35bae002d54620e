/**
 * Q4_1: blocks of 32 values = half scale d, half minimum m, then 16 bytes of 4-bit quants laid out
 * as in Q4_0; value = nibble * d + m (ggml `block_q4_1`).
 */
import { blockCount, halfScales } from "./block-scales.js";

const BLOCK = 32;
const BYTES = 20;

export function dequantizeQ4_1(src: Uint8Array, dst?: Float32Array): Float32Array {
  const blocks = blockCount("Q4_1", src, BYTES, BLOCK, dst);
  const out = dst ?? new Float32Array(blocks * BLOCK);
  const d = halfScales(src, blocks, BYTES, 0);
  const m = halfScales(src, blocks, BYTES, 2);
  for (let b = 0; b < blocks; b++) {
    const scale = d[b];
    const min = m[b];
    const qs = b * BYTES + 4;
    const y = b * BLOCK;
    for (let j = 0; j < 16; j++) {
      const q = src[qs + j];
      out[y + j] = (q & 0x0f) * scale + min;
      out[y + j + 16] = (q >> 4) * scale + min;
    }
  }
  return out;
}
