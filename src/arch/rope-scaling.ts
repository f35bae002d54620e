/**
 * RoPE frequency scaling that smelt converts: none, "linear" (position interpolation: every
 * frequency divided by `factor`) and "llama3" (Llama 3.1's wavelength-dependent division, which
 * llama.cpp reads as a `rope_freqs.weight` tensor of per-pair divisors). Other schemes (yarn,
 * dynamic NTK, longrope) are refused when a config is read (hf-rope-scaling.ts).
 */
import { z } from "zod";

export const RopeScalingSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({
    type: z.literal("linear"),
    factor: z.number().positive().describe("Every frequency is divided by this (llama.cpp: rope.scaling.factor)"),
  }),
  z.object({
    type: z.literal("llama3"),
    factor: z.number().positive().describe("Divisor of the low frequencies"),
    lowFreqFactor: z.number().positive(),
    highFreqFactor: z.number().positive(),
    originalContextLength: z.number().int().positive().describe("original_max_position_embeddings"),
  }),
  z
    .object({ type: z.literal("divisors") })
    .describe("Per-pair divisors held in rope_freqs.weight with unknown parameters (a GGUF read back)"),
]);

export type RopeScaling = z.infer<typeof RopeScalingSchema>;

/** Whether the model carries a `rope_freqs.weight` tensor of per-pair divisors. */
export function hasRopeDivisors(scaling: RopeScaling): boolean {
  return scaling.type === "llama3" || scaling.type === "divisors";
}

/**
 * The "llama3" scheme's divisor for each rotated pair i (frequency base^(-2i/headDim)), as
 * llama.cpp applies `rope_freqs.weight`: θ_i = pos · base^(-2i/d) / divisor_i. Wavelengths
 * shorter than originalContextLength / highFreqFactor keep their frequency, longer than
 * originalContextLength / lowFreqFactor are divided by `factor`, and the band between is
 * interpolated smoothly.
 */
export function llama3RopeDivisors(scaling: Extract<RopeScaling, { type: "llama3" }>, headDim: number, base: number): Float32Array {
  const { factor, lowFreqFactor, highFreqFactor, originalContextLength } = scaling;
  const lowWavelen = originalContextLength / lowFreqFactor;
  const highWavelen = originalContextLength / highFreqFactor;
  const out = new Float32Array(headDim / 2);
  for (let i = 0; i < out.length; i++) {
    const freq = Math.pow(base, (-2 * i) / headDim);
    const wavelen = (2 * Math.PI) / freq;
    if (wavelen < highWavelen) out[i] = 1;
    else if (wavelen > lowWavelen) out[i] = factor;
    else {
      const smooth = (originalContextLength / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
      out[i] = 1 / ((1 - smooth) / factor + smooth);
    }
  }
  return out;
}
