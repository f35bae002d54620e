/**
 * Rotary position embedding in float64, in both pairings llama.cpp knows (llama-model.cpp
 * `llama_model_rope_type`): "normal" (rope mode 0, the `llama` arch) rotates adjacent pairs
 * (2i, 2i+1); "neox" (`qwen2`, `qwen3`, and Hugging Face's `rotate_half` for every model) rotates
 * i with i + headDim/2. Pair i turns by pos · invFreq[i]. permute-qk.ts converts q/k weights
 * between the two pairings.
 */

export type RopePairing = "normal" | "neox";

/** base^(-2i/headDim) for each rotated pair i: plain RoPE's inverse frequencies. */
export function ropeInverseFrequencies(headDim: number, base: number): Float64Array {
  const out = new Float64Array(headDim / 2);
  for (let i = 0; i < out.length; i++) out[i] = Math.pow(base, (-2 * i) / headDim);
  return out;
}

/** Rotates `v` (nHead heads of headDim values, contiguous) in place for position `pos`. */
export function applyRope(v: Float64Array, nHead: number, headDim: number, pos: number, invFreq: Float64Array, pairing: RopePairing): void {
  const half = headDim / 2;
  for (let i = 0; i < half; i++) {
    const theta = pos * invFreq[i];
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const [first, second] = pairing === "normal" ? [2 * i, 2 * i + 1] : [i, i + half];
    for (let h = 0; h < nHead; h++) {
      const a = v[h * headDim + first];
      const b = v[h * headDim + second];
      v[h * headDim + first] = a * cos - b * sin;
      v[h * headDim + second] = a * sin + b * cos;
    }
  }
}

/** Plain RoPE on adjacent pairs (llama.cpp's `llama` arch), frequency base `base`. */
export function ropeAdjacentPairs(v: Float64Array, nHead: number, headDim: number, pos: number, base: number): void {
  applyRope(v, nHead, headDim, pos, ropeInverseFrequencies(headDim, base), "normal");
}
