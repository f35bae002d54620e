/**
 * The shape of a llama-family decoder: llama.cpp's `llama`, `qwen2` and `qwen3` architectures
 * share one block structure (RMSNorm -> attention with RoPE -> RMSNorm -> SwiGLU), differing in
 * q/k/v biases (qwen2), per-head q/k RMSNorms (qwen3), the head size and the RoPE pairing. This
 * file holds the config and the table of tensors such a model contains. Shapes here are row-major
 * (numpy/HF order, `[out, in]` for matrices); the GGUF writer reverses them into ggml's `ne` order.
 */
import { z } from "zod";
import { GGUF_ARCHITECTURE_NAMES, type GgufArchitecture } from "./gguf-architectures.js";
import { hasRopeDivisors, RopeScalingSchema } from "./rope-scaling.js";

export const LlamaConfigSchema = z
  .object({
    architecture: z
      .enum(GGUF_ARCHITECTURE_NAMES as [GgufArchitecture, ...GgufArchitecture[]])
      .default("llama")
      .describe("llama.cpp architecture (general.architecture); prefixes every hyper-parameter key"),
    vocabSize: z.number().int().positive().describe("Tokens in the vocabulary (rows of token_embd)"),
    dim: z.number().int().positive().describe("Embedding width (<arch>.embedding_length)"),
    layers: z.number().int().positive().describe("Transformer blocks (<arch>.block_count)"),
    heads: z.number().int().positive().describe("Query heads (<arch>.attention.head_count)"),
    kvHeads: z.number().int().positive().describe("Key/value heads (<arch>.attention.head_count_kv)"),
    headDim: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Width of one head when it is not dim / heads (<arch>.attention.key_length); defaults to dim / heads"),
    ffnDim: z.number().int().positive().describe("SwiGLU hidden width (<arch>.feed_forward_length)"),
    ropeBase: z.number().positive().default(10000).describe("RoPE frequency base (<arch>.rope.freq_base)"),
    ropeScaling: RopeScalingSchema.default({ type: "none" }).describe("RoPE frequency scaling"),
    rmsEps: z.number().positive().default(1e-5).describe("RMSNorm epsilon (<arch>.attention.layer_norm_rms_epsilon)"),
    contextLength: z.number().int().positive().describe("Training context length (<arch>.context_length)"),
    tieEmbeddings: z
      .boolean()
      .default(false)
      .describe("No output.weight: llama.cpp then uses token_embd as the output head"),
    attentionBias: z.boolean().default(false).describe("q, k and v projections have biases (qwen2)"),
    qkNorm: z.boolean().default(false).describe("Per-head RMSNorm of queries and keys before RoPE (qwen3)"),
  })
  .superRefine((c, ctx) => {
    if (c.headDim === undefined && c.dim % c.heads !== 0) {
      ctx.addIssue({ code: "custom", path: ["heads"], message: `dim ${c.dim} is not divisible by heads ${c.heads}` });
    } else if ((c.headDim ?? c.dim / c.heads) % 2 !== 0) {
      ctx.addIssue({ code: "custom", path: ["heads"], message: `head size ${c.headDim ?? c.dim / c.heads} must be even for RoPE` });
    }
    if (c.heads % c.kvHeads !== 0) {
      ctx.addIssue({ code: "custom", path: ["kvHeads"], message: `heads ${c.heads} is not a multiple of kvHeads ${c.kvHeads}` });
    }
  });

export type LlamaConfig = z.infer<typeof LlamaConfigSchema>;
/** What callers write: defaults (architecture, ropeBase, rmsEps, tieEmbeddings, ...) may be left out. */
export type LlamaConfigInput = z.input<typeof LlamaConfigSchema>;

/** Width of one attention head. */
export function llamaHeadDim(config: Pick<LlamaConfig, "dim" | "heads" | "headDim">): number {
  return config.headDim ?? config.dim / config.heads;
}

/** One tensor a llama-family model holds: GGUF name and row-major shape. */
export interface LlamaTensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** True for 1-D tensors (norm weights, biases, RoPE divisors), which llama.cpp requires to stay F32. */
  readonly isNorm: boolean;
  /** True for tensors computed from the config rather than read from a checkpoint (`rope_freqs.weight`). */
  readonly generated?: boolean;
}

/** Every tensor of the model in GGUF naming, in the order smelt writes them. */
export function llamaTensorSpecs(config: LlamaConfig): LlamaTensorSpec[] {
  const hd = llamaHeadDim(config);
  const { dim, ffnDim, vocabSize } = config;
  const q = config.heads * hd;
  const kv = config.kvHeads * hd;
  const specs: LlamaTensorSpec[] = [];
  if (hasRopeDivisors(config.ropeScaling)) specs.push({ name: "rope_freqs.weight", shape: [hd / 2], isNorm: true, generated: true });
  specs.push({ name: "token_embd.weight", shape: [vocabSize, dim], isNorm: false });
  for (let l = 0; l < config.layers; l++) {
    const b = `blk.${l}.`;
    const bias = (name: string, rows: number): LlamaTensorSpec[] => (config.attentionBias ? [{ name: `${b}${name}.bias`, shape: [rows], isNorm: true }] : []);
    specs.push(
      { name: `${b}attn_norm.weight`, shape: [dim], isNorm: true },
      { name: `${b}attn_q.weight`, shape: [q, dim], isNorm: false },
      ...bias("attn_q", q),
      { name: `${b}attn_k.weight`, shape: [kv, dim], isNorm: false },
      ...bias("attn_k", kv),
      { name: `${b}attn_v.weight`, shape: [kv, dim], isNorm: false },
      ...bias("attn_v", kv),
      ...(config.qkNorm
        ? [
            { name: `${b}attn_q_norm.weight`, shape: [hd], isNorm: true },
            { name: `${b}attn_k_norm.weight`, shape: [hd], isNorm: true },
          ]
        : []),
      { name: `${b}attn_output.weight`, shape: [dim, q], isNorm: false },
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
