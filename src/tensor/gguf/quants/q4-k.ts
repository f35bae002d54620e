/**
 * Q4_K: super-blocks of 256 values = half d, half dmin, 12 bytes of packed 6-bit scales/mins, 128
 * bytes of 4-bit quants (ggml `block_q4_K`). The 256 values are 8 sub-blocks of 32; each group of
 * 64 values reads 32 quant bytes, low nibbles for the first sub-block and high nibbles for the
 * second. value = (d * scale) * q - (dmin * min).
 */
import { blockCount, halfScales } from "./block-scales.js";
import { unpackScaleMinK4 } from "./k-scale-min.js";

const BLOCK = 256;
const BYTES = 144;

export function dequantizeQ4_K(src: Uint8Array, dst?: Float32Array): Float32Array {
  const blocks = blockCount("Q4_K", src, BYTES, BLOCK, dst);
  const out = dst ?? new Float32Array(blocks * BLOCK);
  const d = halfScales(src, blocks, BYTES, 0);
  const dmin = halfScales(src, blocks, BYTES, 2);
  const sc = new Uint8Array(8);
  const mn = new Uint8Array(8);
  for (let b = 0; b < blocks; b++) {
    const p = b * BYTES;
    unpackScaleMinK4(src, p + 4, sc, mn);
    let q = p + 16;
    let y = b * BLOCK;
    for (let s = 0; s < 8; s += 2) {
      // ggml computes these products in float32; fround keeps the same rounding.
      const d1 = Math.fround(d[b] * sc[s]);
      const m1 = Math.fround(dmin[b] * mn[s]);
      const d2 = Math.fround(d[b] * sc[s + 1]);
      const m2 = Math.fround(dmin[b] * mn[s + 1]);
      for (let l = 0; l < 32; l++) out[y + l] = d1 * (src[q + l] & 0x0f) - m1;
      for (let l = 0; l < 32; l++) out[y + 32 + l] = d2 * (src[q + l] >> 4) - m2;
      q += 32;
      y += 64;
    }
  }
  return out;
}
