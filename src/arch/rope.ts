/**
 * Rotary position embedding as llama.cpp's `llama` arch applies it (rope mode 0, "normal"): within
 * each head, adjacent pairs (2i, 2i+1) rotate by the angle pos * base^(-2i/headDim). HF's
 * `rotate_half` convention pairs i with i + headDim/2 instead; permute-qk.ts converts weights
 * between the two.
 */

/** Rotates `v` (nHead heads of headDim values, contiguous) in place for position `pos`. */
export function ropeAdjacentPairs(v: Float64Array, nHead: number, headDim: number, pos: number, base: number): void {
  for (let i = 0; i < headDim; i += 2) {
    const theta = pos * Math.pow(base, -i / headDim);
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    for (let h = 0; h < nHead; h++) {
      const o = h * headDim + i;
      const a = v[o];
      const b = v[o + 1];
      v[o] = a * cos - b * sin;
      v[o + 1] = a * sin + b * cos;
    }
  }
}
