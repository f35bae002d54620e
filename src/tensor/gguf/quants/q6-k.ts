/**
 * Q6_K: super-blocks of 256 values = 128 bytes ql (low 4 bits), 64 bytes qh (high 2 bits), 16 signed
 * 8-bit scales (one per 16 values), then half d (ggml `block_q6_K`). Each half of 128 values uses 64
 * ql bytes and 32 qh bytes: for l < 32, values l, l+32, l+64, l+96 take the low nibbles of ql[l],
 * ql[l+32], then the high nibbles of ql[l], ql[l+32], with bit pairs 0-1, 2-3, 4-5, 6-7 of qh[l] on
 * top. value = d * scale * (q - 32).
 */
import { blockCount, halfScales } from "./block-scales.js";

const BLOCK = 256;
const BYTES = 210;

export function dequantizeQ6_K(src: Uint8Array, dst?: Float32Array): Float32Array {
  const blocks = blockCount("Q6_K", src, BYTES, BLOCK, dst);
  const out = dst ?? new Float32Array(blocks * BLOCK);
  const d = halfScales(src, blocks, BYTES, 208);
  for (let b = 0; b < blocks; b++) {
    const p = b * BYTES;
    for (let half = 0; half < 2; half++) {
      const ql = p + half * 64;
      const qh = p + 128 + half * 32;
      const sc = p + 192 + half * 8;
      const y = b * BLOCK + half * 128;
      for (let l = 0; l < 32; l++) {
        const is = sc + (l >> 4);
        const h = src[qh + l];
        const q1 = ((src[ql + l] & 0x0f) | ((h & 3) << 4)) - 32;
        const q2 = ((src[ql + l + 32] & 0x0f) | (((h >> 2) & 3) << 4)) - 32;
        const q3 = ((src[ql + l] >> 4) | (((h >> 4) & 3) << 4)) - 32;
        const q4 = ((src[ql + l + 32] >> 4) | (((h >> 6) & 3) << 4)) - 32;
        // ggml evaluates d * scale first (exact in float32: 11-bit times 8-bit), then times q.
        out[y + l] = d[b] * ((src[is] << 24) >> 24) * q1;
        out[y + l + 32] = d[b] * ((src[is + 2] << 24) >> 24) * q2;
        out[y + l + 64] = d[b] * ((src[is + 4] << 24) >> 24) * q3;
        out[y + l + 96] = d[b] * ((src[is + 6] << 24) >> 24) * q4;
      }
    }
  }
  return out;
}
