/**
 * `LlamaConfig` <-> Hugging Face `config.json` for `LlamaForCausalLM`. Only what smelt can turn
 * into an equivalent GGUF is accepted: plain RoPE (no `rope_scaling`), head size = hidden/heads,
 * no attention or MLP biases, SiLU activation. Anything else is refused rather than converted
 * into a model that computes something different.
 */
import { z } from "zod";
import { TensorFormatError } from "../errors.js";
import { LlamaConfigSchema, type LlamaConfig } from "./llama-config.js";

const HfLlamaConfigSchema = z.looseObject({
  model_type: z.literal("llama"),
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive().optional(),
  max_position_embeddings: z.number().int().positive(),
  rms_norm_eps: z.number().positive().default(1e-6),
  rope_theta: z.number().positive().default(10000),
  tie_word_embeddings: z.boolean().default(false),
  hidden_act: z.literal("silu").default("silu"),
  head_dim: z.number().int().positive().optional(),
  rope_scaling: z.null().optional(),
  attention_bias: z.literal(false).optional(),
  mlp_bias: z.literal(false).optional(),
});

/**
 * Reads a parsed `config.json`. Throws TensorFormatError naming `source` and every unsupported or
 * missing field.
 */
export function hfConfigToLlamaConfig(json: unknown, source = "config.json"): LlamaConfig {
  const parsed = HfLlamaConfigSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new TensorFormatError(source, `not a supported LlamaForCausalLM config (${problems})`);
  }
  const c = parsed.data;
  if (c.head_dim !== undefined && c.head_dim * c.num_attention_heads !== c.hidden_size) {
    throw new TensorFormatError(
      source,
      `head_dim ${c.head_dim} x num_attention_heads ${c.num_attention_heads} != hidden_size ${c.hidden_size}; smelt supports only head_dim = hidden_size / heads`,
    );
  }
  const config = LlamaConfigSchema.safeParse({
    vocabSize: c.vocab_size,
    dim: c.hidden_size,
    layers: c.num_hidden_layers,
    heads: c.num_attention_heads,
    kvHeads: c.num_key_value_heads ?? c.num_attention_heads,
    ffnDim: c.intermediate_size,
    ropeBase: c.rope_theta,
    rmsEps: c.rms_norm_eps,
    contextLength: c.max_position_embeddings,
    tieEmbeddings: c.tie_word_embeddings,
  });
  if (!config.success) {
    throw new TensorFormatError(source, `inconsistent llama config: ${config.error.issues.map((i) => i.message).join("; ")}`);
  }
  return config.data;
}

export interface HfConfigOptions {
  /** Defaults to 256, the byte vocabulary's `<s>`. */
  readonly bosTokenId?: number;
  /** Defaults to 257, the byte vocabulary's `</s>`. */
  readonly eosTokenId?: number;
  /** Defaults to "float32". */
  readonly torchDtype?: "float32" | "float16" | "bfloat16";
}

/** A `config.json` object for `LlamaForCausalLM` that `transformers` loads as this config. */
export function llamaConfigToHfConfig(config: LlamaConfig, options: HfConfigOptions = {}): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    vocab_size: config.vocabSize,
    hidden_size: config.dim,
    intermediate_size: config.ffnDim,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    num_key_value_heads: config.kvHeads,
    head_dim: config.dim / config.heads,
    max_position_embeddings: config.contextLength,
    rms_norm_eps: config.rmsEps,
    rope_theta: config.ropeBase,
    rope_scaling: null,
    tie_word_embeddings: config.tieEmbeddings,
    hidden_act: "silu",
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: options.bosTokenId ?? 256,
    eos_token_id: options.eosTokenId ?? 257,
    torch_dtype: options.torchDtype ?? "float32",
  };
}
