/**
 * Q4_K and Q5_K pack 8 sub-block scales and 8 mins, 6 bits each, into 12 bytes (ggml
 * `get_scale_min_k4`): for sub-block j < 4, scale = low 6 bits of byte j and min = low 6 bits of
 * byte j+4; for j >= 4, the low 4 bits come from the nibbles of byte j+4 (scale: low nibble,
 * min: high nibble) and the top 2 bits from the top 2 bits of byte j-4 (scale) or byte j (min).
 */

/** Decodes the 8 scales and 8 mins of the 12 bytes at `src[offset]` into `scales` and `mins`. */
export function unpackScaleMinK4(src: Uint8Array, offset: number, scales: Uint8Array, mins: Uint8Array): void {
  for (let j = 0; j < 4; j++) {
    scales[j] = src[offset + j] & 63;
    mins[j] = src[offset + j + 4] & 63;
  }
  for (let j = 4; j < 8; j++) {
    const low = src[offset + j + 4];
    scales[j] = (low & 0x0f) | ((src[offset + j - 4] >> 6) << 4);
    mins[j] = (low >> 4) | ((src[offset + j] >> 6) << 4);
  }
}
