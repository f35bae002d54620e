/**
 * Q5_K: super-blocks of 256 values = half d, half dmin, 12 bytes of packed 6-bit scales/mins, 32
 * bytes qh of fifth bits, 128 bytes of low nibbles (ggml `block_q5_K`). Nibbles are laid out as in
 * Q4_K; the fifth bit of value l of sub-block s is bit s of qh[l]. value = (d * scale) * q - (dmin * min).
 */
import { blockCount, halfScales } from "./block-scales.js";
import { unpackScaleMinK4 } from "./k-scale-min.js";

const BLOCK = 256;
const BYTES = 176;

export function dequantizeQ5_K(src: Uint8Array, dst?: Float32Array): Float32Array {
  const blocks = blockCount("Q5_K", src, BYTES, BLOCK, dst);
  const out = dst ?? new Float32Array(blocks * BLOCK);
  const d = halfScales(src, blocks, BYTES, 0);
  const dmin = halfScales(src, blocks, BYTES, 2);
  const sc = new Uint8Array(8);
  const mn = new Uint8Array(8);
  for (let b = 0; b < blocks; b++) {
    const p = b * BYTES;
    unpackScaleMinK4(src, p + 4, sc, mn);
    const qh = p + 16;
    let ql = p + 48;
    let y = b * BLOCK;
    for (let s = 0; s < 8; s += 2) {
      const d1 = Math.fround(d[b] * sc[s]);
      const m1 = Math.fround(dmin[b] * mn[s]);
      const d2 = Math.fround(d[b] * sc[s + 1]);
      const m2 = Math.fround(dmin[b] * mn[s + 1]);
      for (let l = 0; l < 32; l++) {
        out[y + l] = d1 * ((src[ql + l] & 0x0f) + (((src[qh + l] >> s) & 1) << 4)) - m1;
      }
      for (let l = 0; l < 32; l++) {
        out[y + 32 + l] = d2 * ((src[ql + l] >> 4) + (((src[qh + l] >> (s + 1)) & 1) << 4)) - m2;
      }
      ql += 32;
      y += 64;
    }
  }
  return out;
}
