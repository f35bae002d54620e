/**
 * The Hugging Face architectures smelt converts to GGUF, as table entries: which llama.cpp
 * architecture each becomes, which optional parts its blocks have, and which config.json values
 * it refuses because the GGUF would compute something else. Read from transformers' config and
 * modeling classes and llama.cpp's converter (LlamaModel also handles MistralForCausalLM, as the
 * `llama` arch; Qwen2Model and Qwen3Model write their own archs); behaviour only.
 */
import type { GgufArchitecture } from "./gguf-architectures.js";

/** A config.json key whose value must be one of `accept` (undefined = absent). */
export interface ConfigRule {
  readonly key: string;
  readonly accept: readonly unknown[];
  readonly why: string;
}

export interface HfArchitecture {
  /** config.json `model_type`. */
  readonly modelType: string;
  /** config.json `architectures[0]` values accepted (causal LMs only). */
  readonly classes: readonly string[];
  readonly gguf: GgufArchitecture;
  /** q/k/v projections carry biases: never, or always (Qwen2Attention). */
  readonly qkvBias: "never" | "always";
  /** Per-head RMSNorm of q and k before RoPE (Qwen3Attention's q_norm/k_norm). */
  readonly qkNorm: boolean;
  /**
   * Head size: "config" reads `head_dim` (default `defaultHeadDim`, else hidden_size / heads);
   * "derived" allows only hidden_size / heads (llama.cpp's qwen2 sizes attn_output n_embd x n_embd).
   */
  readonly headDim: "config" | "derived";
  readonly defaultHeadDim?: number;
  readonly rules: readonly ConfigRule[];
}

const SILU: ConfigRule = { key: "hidden_act", accept: [undefined, "silu"], why: "llama.cpp runs these architectures with a SiLU-gated FFN" };
const NO_SLIDING: ConfigRule = {
  key: "use_sliding_window",
  accept: [undefined, null, false],
  why: "sliding-window attention is not what llama.cpp computes for this architecture",
};
const NO_ATTENTION_BIAS: ConfigRule = {
  key: "attention_bias",
  accept: [undefined, null, false],
  why: "attention biases are not converted for this architecture",
};

export const HF_ARCHITECTURES: readonly HfArchitecture[] = [
  {
    modelType: "llama",
    classes: ["LlamaForCausalLM"],
    gguf: "llama",
    qkvBias: "never",
    qkNorm: false,
    headDim: "config",
    rules: [SILU, NO_ATTENTION_BIAS, { key: "mlp_bias", accept: [undefined, null, false], why: "MLP biases are not converted" }],
  },
  {
    // llama.cpp's converter writes Mistral as the `llama` arch and ignores `sliding_window`:
    // identical up to the window length (4096 for Mistral 7B v0.1; null since v0.2).
    modelType: "mistral",
    classes: ["MistralForCausalLM"],
    gguf: "llama",
    qkvBias: "never",
    qkNorm: false,
    headDim: "config",
    rules: [SILU],
  },
  {
    modelType: "qwen2",
    classes: ["Qwen2ForCausalLM"],
    gguf: "qwen2",
    qkvBias: "always",
    qkNorm: false,
    headDim: "derived",
    rules: [SILU, NO_SLIDING],
  },
  {
    modelType: "qwen3",
    classes: ["Qwen3ForCausalLM"],
    gguf: "qwen3",
    qkvBias: "never",
    qkNorm: true,
    headDim: "config",
    defaultHeadDim: 128,
    rules: [SILU, NO_SLIDING, NO_ATTENTION_BIAS],
  },
];

/** "llama (LlamaForCausalLM), mistral (...)": what error messages list as supported. */
export const SUPPORTED_HF_ARCHITECTURES: readonly string[] = HF_ARCHITECTURES.map((a) => `${a.modelType} (${a.classes.join(", ")})`);

/** The entry for a config's model_type / architectures[0], or a description of what was named. */
export function findHfArchitecture(modelType: unknown, classes: unknown): HfArchitecture | { readonly unknown: string } {
  const cls = Array.isArray(classes) && typeof classes[0] === "string" ? classes[0] : undefined;
  const byType = typeof modelType === "string" ? HF_ARCHITECTURES.find((a) => a.modelType === modelType) : undefined;
  const entry = byType ?? HF_ARCHITECTURES.find((a) => cls !== undefined && a.classes.includes(cls));
  if (entry === undefined) return { unknown: typeof modelType === "string" ? modelType : (cls ?? "(no model_type or architectures)") };
  if (cls !== undefined && !entry.classes.includes(cls)) return { unknown: cls };
  return entry;
}
