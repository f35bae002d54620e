/**
 * Random llama-shaped Q8_0 GGUF models of a requested size, with smelt's byte tokenizer so any
 * task text tokenizes (token id = byte). Written tensor by tensor through the GGUF sink, so memory
 * holds one tensor at a time. Weights are random valid Q8_0 blocks: throughput does not depend on
 * their values, and a "variant" (an expert of a search trio) is the same base with some quants
 * nudged, so task vectors are small and non-zero like a fine-tune's.
 */
import { createGgufSink, LlamaConfigSchema, llamaGgufMetadata, llamaTensorSpecs, type LlamaConfig } from "../../src/index.js";
import { randomQ8_0, perturbQ8_0 } from "./random-q8-0.js";

/** Layers of every synthetic model; the width scales with the requested size. */
const LAYERS = 24;
/** SwiGLU width over model width, as in llama/Qwen-style small models. */
const FFN_RATIO = 2.75;

/**
 * A byte-vocabulary llama config of about `params` parameters: 24 layers, head size 64, full
 * multi-head attention, ffn = 2.75 x dim. Per layer that is 4 dim^2 + 3 dim ffn = 12.25 dim^2.
 */
export function syntheticLlamaConfig(params: number, contextLength = 512): LlamaConfig {
  const layers = params >= 24 * 12.25 * 128 * 128 ? LAYERS : 2;
  const dim = Math.max(64, Math.round(Math.sqrt(params / (layers * 12.25)) / 64) * 64);
  const ffnDim = Math.max(64, Math.round((dim * FFN_RATIO) / 32) * 32);
  const heads = dim / 64;
  return LlamaConfigSchema.parse({ vocabSize: 258, dim, layers, heads, kvHeads: heads, ffnDim, contextLength });
}

/** Total parameters of a config (what the file stores). */
export function parameterCount(config: LlamaConfig): number {
  return llamaTensorSpecs(config).reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
}

/** Per-tensor seed: the same name gives the same base tensor in every file. */
function tensorSeed(seed: number, name: string): number {
  let h = (seed * 0x9e3779b1) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h || 1;
}

export interface SyntheticGgufOptions {
  /** Seed of the base weights. */
  readonly seed: number;
  /** When set, the model is the base nudged with this seed (a fine-tune-like variant). */
  readonly variant?: number;
}

/** Writes the model at `path` as Q8_0 matrices and F32 norms; returns the file's parameter count. */
export async function writeSyntheticLlamaGguf(path: string, config: LlamaConfig, options: SyntheticGgufOptions): Promise<number> {
  const specs = llamaTensorSpecs(config);
  const dtypeOf = (isNorm: boolean) => (isNorm ? ("F32" as const) : ("Q8_0" as const));
  const sink = await createGgufSink({
    path,
    metadata: llamaGgufMetadata(config, "smelt-bench-synthetic", { dtype: "Q8_0" }),
    tensors: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: dtypeOf(s.isNorm) })),
    overwrite: true,
  });
  try {
    for (const spec of specs) {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      if (spec.isNorm) {
        await sink.write({ kind: "f32", name: spec.name, shape: spec.shape, data: new Float32Array(n).fill(1) });
        continue;
      }
      // Embedding rows are read as the residual stream (std 1); matrices keep it at unit scale.
      const std = spec.name === "token_embd.weight" ? 1 : 1 / Math.sqrt(spec.shape[1]);
      const blocks = randomQ8_0(n, std, tensorSeed(options.seed, spec.name));
      if (options.variant !== undefined) perturbQ8_0(blocks, tensorSeed(options.variant, spec.name));
      await sink.write({ kind: "raw", name: spec.name, shape: spec.shape, dtype: "Q8_0", bytes: blocks });
    }
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return parameterCount(config);
}
