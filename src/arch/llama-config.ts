/**
 * The shape of a llama-architecture model (what llama.cpp's `llama` arch reads from GGUF), the
 * `llama.*`/`general.*` metadata that describes it, and the table of tensors it must contain.
 * Shapes here are row-major (numpy/HF order, `[out, in]` for matrices); the GGUF writer reverses
 * them into ggml's `ne` order.
 */
import { z } from "zod";

export const LlamaConfigSchema = z
  .object({
    vocabSize: z.number().int().positive().describe("Tokens in the vocabulary (rows of token_embd)"),
    dim: z.number().int().positive().describe("Embedding width (llama.embedding_length)"),
    layers: z.number().int().positive().describe("Transformer blocks (llama.block_count)"),
    heads: z.number().int().positive().describe("Query heads (llama.attention.head_count)"),
    kvHeads: z.number().int().positive().describe("Key/value heads (llama.attention.head_count_kv)"),
    ffnDim: z.number().int().positive().describe("SwiGLU hidden width (llama.feed_forward_length)"),
    ropeBase: z.number().positive().default(10000).describe("RoPE frequency base (llama.rope.freq_base)"),
    rmsEps: z.number().positive().default(1e-5).describe("RMSNorm epsilon (llama.attention.layer_norm_rms_epsilon)"),
    contextLength: z.number().int().positive().describe("Training context length (llama.context_length)"),
    tieEmbeddings: z
      .boolean()
      .default(false)
      .describe("No output.weight: llama.cpp then uses token_embd as the output head"),
  })
  .superRefine((c, ctx) => {
    if (c.dim % c.heads !== 0) {
      ctx.addIssue({ code: "custom", path: ["heads"], message: `dim ${c.dim} is not divisible by heads ${c.heads}` });
    } else if ((c.dim / c.heads) % 2 !== 0) {
      ctx.addIssue({ code: "custom", path: ["heads"], message: `head size ${c.dim / c.heads} must be even for RoPE` });
    }
    if (c.heads % c.kvHeads !== 0) {
      ctx.addIssue({ code: "custom", path: ["kvHeads"], message: `heads ${c.heads} is not a multiple of kvHeads ${c.kvHeads}` });
    }
  });

export type LlamaConfig = z.infer<typeof LlamaConfigSchema>;
/** What callers write: defaults (ropeBase, rmsEps, tieEmbeddings) may be left out. */
export type LlamaConfigInput = z.input<typeof LlamaConfigSchema>;

/** Width of one attention head. */
export function llamaHeadDim(config: LlamaConfig): number {
  return config.dim / config.heads;
}

/** One tensor a llama model holds: GGUF name and row-major shape. */
export interface LlamaTensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** True for 1-D norm weights, which llama.cpp requires to stay F32. */
  readonly isNorm: boolean;
}

/** Every tensor of a llama model in GGUF naming, in the order llama.cpp's converter writes them. */
export function llamaTensorSpecs(config: LlamaConfig): LlamaTensorSpec[] {
  const hd = llamaHeadDim(config);
  const { dim, ffnDim, vocabSize } = config;
  const specs: LlamaTensorSpec[] = [{ name: "token_embd.weight", shape: [vocabSize, dim], isNorm: false }];
  for (let l = 0; l < config.layers; l++) {
    const b = `blk.${l}.`;
    specs.push(
      { name: `${b}attn_norm.weight`, shape: [dim], isNorm: true },
      { name: `${b}attn_q.weight`, shape: [config.heads * hd, dim], isNorm: false },
      { name: `${b}attn_k.weight`, shape: [config.kvHeads * hd, dim], isNorm: false },
      { name: `${b}attn_v.weight`, shape: [config.kvHeads * hd, dim], isNorm: false },
      { name: `${b}attn_output.weight`, shape: [dim, config.heads * hd], isNorm: false },
      { name: `${b}ffn_norm.weight`, shape: [dim], isNorm: true },
      { name: `${b}ffn_gate.weight`, shape: [ffnDim, dim], isNorm: false },
      { name: `${b}ffn_up.weight`, shape: [ffnDim, dim], isNorm: false },
      { name: `${b}ffn_down.weight`, shape: [dim, ffnDim], isNorm: false },
    );
  }
  specs.push({ name: "output_norm.weight", shape: [dim], isNorm: true });
  if (!config.tieEmbeddings) specs.push({ name: "output.weight", shape: [vocabSize, dim], isNorm: false });
  return specs;
}

/** The architecture keys of a llama GGUF, as plain values (the caller picks GGUF value types). */
export interface LlamaArchMetadata {
  readonly "general.architecture": "llama";
  readonly "general.name": string;
  readonly "llama.vocab_size": number;
  readonly "llama.context_length": number;
  readonly "llama.embedding_length": number;
  readonly "llama.block_count": number;
  readonly "llama.feed_forward_length": number;
  readonly "llama.attention.head_count": number;
  readonly "llama.attention.head_count_kv": number;
  readonly "llama.rope.dimension_count": number;
  readonly "llama.rope.freq_base": number;
  readonly "llama.attention.layer_norm_rms_epsilon": number;
}

/** `general.*` and `llama.*` metadata for a config. Integers are u32 and reals f32 in GGUF. */
export function llamaArchMetadata(config: LlamaConfig, name: string): LlamaArchMetadata {
  return {
    "general.architecture": "llama",
    "general.name": name,
    "llama.vocab_size": config.vocabSize,
    "llama.context_length": config.contextLength,
    "llama.embedding_length": config.dim,
    "llama.block_count": config.layers,
    "llama.feed_forward_length": config.ffnDim,
    "llama.attention.head_count": config.heads,
    "llama.attention.head_count_kv": config.kvHeads,
    "llama.rope.dimension_count": llamaHeadDim(config),
    "llama.rope.freq_base": config.ropeBase,
    "llama.attention.layer_norm_rms_epsilon": config.rmsEps,
  };
}
