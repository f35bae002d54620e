/**
 * `LlamaConfig` <-> Hugging Face `config.json` for the architectures in hf-architectures.ts.
 * Structural keys are required (a missing one is a MissingConfigKeyError naming it), the rest take
 * transformers' defaults, and values the GGUF could not reproduce (other activations, biases
 * where llama.cpp has none, sliding windows, unsupported RoPE scaling) are refused by key.
 */
import { ConversionError, MissingConfigKeyError, UnknownArchitectureError } from "../errors.js";
import { findHfArchitecture, SUPPORTED_HF_ARCHITECTURES, type HfArchitecture } from "./hf-architectures.js";
import { readHfRope } from "./hf-rope-scaling.js";
import { LlamaConfigSchema, llamaHeadDim, type LlamaConfig } from "./llama-config.js";
import type { RopeScaling } from "./rope-scaling.js";

/** A config.json read for conversion: its architecture entry and the model's shape. */
export interface HfModelConfig {
  readonly architecture: HfArchitecture;
  readonly config: LlamaConfig;
  /** `bos_token_id` / `eos_token_id` etc. as config.json states them (tokenizer fallbacks). */
  readonly tokenIds: Readonly<Record<"bos" | "eos" | "unk" | "pad", number | undefined>>;
}

const REQUIRED = {
  vocab_size: "it sizes the embedding and the vocabulary",
  hidden_size: "it is the embedding width",
  intermediate_size: "it is the FFN width",
  num_hidden_layers: "it is the number of blocks",
  num_attention_heads: "it splits attention into heads",
  max_position_embeddings: "llama.cpp needs the training context length (<arch>.context_length)",
} as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads and checks a parsed config.json. `file` names it in errors. */
export function readHfModelConfig(json: unknown, file = "config.json"): HfModelConfig {
  if (!isRecord(json)) throw new ConversionError(file, "is not a JSON object");
  const found = findHfArchitecture(json.model_type, json.architectures);
  if ("unknown" in found) throw new UnknownArchitectureError(file, found.unknown, SUPPORTED_HF_ARCHITECTURES);
  const arch = found;
  const int = (key: string, fallback?: number): number => {
    const v = json[key] ?? fallback;
    if (v === undefined || v === null) {
      throw new MissingConfigKeyError(file, key, REQUIRED[key as keyof typeof REQUIRED] ?? "it is needed to convert the model");
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new ConversionError(file, `"${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  for (const rule of arch.rules) {
    if (!rule.accept.includes(json[rule.key])) {
      throw new ConversionError(file, `"${rule.key}": ${JSON.stringify(json[rule.key])} is not supported for ${arch.modelType} (${rule.why})`);
    }
  }
  for (const key of Object.keys(REQUIRED)) int(key);
  const dim = int("hidden_size");
  const heads = int("num_attention_heads");
  const derived = dim / heads;
  const headDim = arch.headDim === "config" ? int("head_dim", arch.defaultHeadDim ?? derived) : derived;
  if (arch.headDim === "derived" && json.head_dim !== undefined && json.head_dim !== null && json.head_dim !== derived) {
    throw new ConversionError(file, `"head_dim": ${JSON.stringify(json.head_dim)} differs from hidden_size / num_attention_heads = ${derived}, which llama.cpp's ${arch.gguf} architecture requires`);
  }
  const eps = json.rms_norm_eps ?? 1e-6;
  if (typeof eps !== "number" || !(eps > 0)) throw new ConversionError(file, `"rms_norm_eps" must be a positive number, got ${JSON.stringify(eps)}`);
  const tie = json.tie_word_embeddings ?? false;
  if (typeof tie !== "boolean") throw new ConversionError(file, `"tie_word_embeddings" must be true or false, got ${JSON.stringify(tie)}`);
  const parsed = LlamaConfigSchema.safeParse({
    architecture: arch.gguf,
    vocabSize: int("vocab_size"),
    dim,
    layers: int("num_hidden_layers"),
    heads,
    kvHeads: int("num_key_value_heads", heads),
    ...(headDim !== derived ? { headDim } : {}),
    ffnDim: int("intermediate_size"),
    ...readHfRope(json, file),
    rmsEps: eps,
    contextLength: int("max_position_embeddings"),
    tieEmbeddings: tie,
    attentionBias: arch.qkvBias === "always",
    qkNorm: arch.qkNorm,
  });
  if (!parsed.success) {
    throw new ConversionError(file, `inconsistent ${arch.modelType} config: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const id = (key: string): number | undefined => (typeof json[key] === "number" ? (json[key] as number) : undefined);
  return {
    architecture: arch,
    config: parsed.data,
    tokenIds: { bos: id("bos_token_id"), eos: id("eos_token_id"), unk: id("unk_token_id"), pad: id("pad_token_id") },
  };
}

/** The `LlamaConfig` of a parsed config.json (see {@link readHfModelConfig}). */
export function hfConfigToLlamaConfig(json: unknown, source = "config.json"): LlamaConfig {
  return readHfModelConfig(json, source).config;
}

export interface HfConfigOptions {
  /** config.json `model_type`. Defaults to "llama"; must convert to `config.architecture`. */
  readonly modelType?: "llama" | "mistral" | "qwen2" | "qwen3";
  /** Defaults to 256, the byte vocabulary's `<s>`. */
  readonly bosTokenId?: number;
  /** Defaults to 257, the byte vocabulary's `</s>`. */
  readonly eosTokenId?: number;
  /** Defaults to "float32". */
  readonly torchDtype?: "float32" | "float16" | "bfloat16";
}

function hfRopeScaling(scaling: RopeScaling): Record<string, unknown> | null {
  switch (scaling.type) {
    case "none":
      return null;
    case "linear":
      return { rope_type: "linear", factor: scaling.factor };
    case "llama3":
      return {
        rope_type: "llama3",
        factor: scaling.factor,
        low_freq_factor: scaling.lowFreqFactor,
        high_freq_factor: scaling.highFreqFactor,
        original_max_position_embeddings: scaling.originalContextLength,
      };
    case "divisors":
      throw new ConversionError("config.json", "RoPE divisors read from a GGUF have no config.json form (their llama3 parameters are unknown)");
  }
  void (scaling satisfies never);
  throw new ConversionError("config.json", "unknown RoPE scaling");
}

const CLASS_OF = { llama: "LlamaForCausalLM", mistral: "MistralForCausalLM", qwen2: "Qwen2ForCausalLM", qwen3: "Qwen3ForCausalLM" } as const;

/** A `config.json` object that transformers loads as this config (and that converts back to it). */
export function llamaConfigToHfConfig(config: LlamaConfig, options: HfConfigOptions = {}): Record<string, unknown> {
  const modelType = options.modelType ?? "llama";
  const ropeScaling = hfRopeScaling(config.ropeScaling);
  return {
    architectures: [CLASS_OF[modelType]],
    model_type: modelType,
    vocab_size: config.vocabSize,
    hidden_size: config.dim,
    intermediate_size: config.ffnDim,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    num_key_value_heads: config.kvHeads,
    ...(modelType === "qwen2" ? {} : { head_dim: llamaHeadDim(config) }),
    max_position_embeddings: config.contextLength,
    rms_norm_eps: config.rmsEps,
    rope_theta: config.ropeBase,
    rope_scaling: ropeScaling,
    tie_word_embeddings: config.tieEmbeddings,
    hidden_act: "silu",
    ...(modelType === "llama" ? { attention_bias: false, mlp_bias: false } : {}),
    ...(modelType === "qwen3" ? { attention_bias: false } : {}),
    bos_token_id: options.bosTokenId ?? 256,
    eos_token_id: options.eosTokenId ?? 257,
    torch_dtype: options.torchDtype ?? "float32",
  };
}
