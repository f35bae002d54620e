/**
 * Q4_0: blocks of 32 values = half scale d, then 16 bytes of 4-bit quants. Byte j holds value j in
 * its low nibble and value j+16 in its high nibble; value = (nibble - 8) * d (ggml `block_q4_0`).
 */
import { blockCount, halfScales } from "./block-scales.js";

const BLOCK = 32;
const BYTES = 18;

export function dequantizeQ4_0(src: Uint8Array, dst?: Float32Array): Float32Array {
  const blocks = blockCount("Q4_0", src, BYTES, BLOCK, dst);
  const out = dst ?? new Float32Array(blocks * BLOCK);
  const d = halfScales(src, blocks, BYTES, 0);
  for (let b = 0; b < blocks; b++) {
    const scale = d[b];
    const qs = b * BYTES + 2;
    const y = b * BLOCK;
    for (let j = 0; j < 16; j++) {
      const q = src[qs + j];
      out[y + j] = ((q & 0x0f) - 8) * scale;
      out[y + j + 16] = ((q >> 4) - 8) * scale;
    }
  }
  return out;
}
