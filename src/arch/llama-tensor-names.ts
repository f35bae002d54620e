/**
 * Tensor names of llama-family models in Hugging Face (`LlamaForCausalLM`, `MistralForCausalLM`,
 * `Qwen2ForCausalLM`, `Qwen3ForCausalLM` safetensors: they share one naming) and GGUF (llama.cpp)
 * naming. Our own table, written from the two formats' published layouts. Which of these names a
 * given model holds is decided by its config (llama-config.ts `llamaTensorSpecs`).
 */

/** Names outside the transformer blocks. */
const GLOBAL_NAMES: ReadonlyArray<readonly [hf: string, gguf: string]> = [
  ["model.embed_tokens.weight", "token_embd.weight"],
  ["model.norm.weight", "output_norm.weight"],
  ["lm_head.weight", "output.weight"],
];

/** Per-block names, without the `model.layers.N.` / `blk.N.` prefix. */
const BLOCK_NAMES: ReadonlyArray<readonly [hf: string, gguf: string]> = [
  ["input_layernorm.weight", "attn_norm.weight"],
  ["self_attn.q_proj.weight", "attn_q.weight"],
  ["self_attn.q_proj.bias", "attn_q.bias"],
  ["self_attn.k_proj.weight", "attn_k.weight"],
  ["self_attn.k_proj.bias", "attn_k.bias"],
  ["self_attn.v_proj.weight", "attn_v.weight"],
  ["self_attn.v_proj.bias", "attn_v.bias"],
  ["self_attn.q_norm.weight", "attn_q_norm.weight"],
  ["self_attn.k_norm.weight", "attn_k_norm.weight"],
  ["self_attn.o_proj.weight", "attn_output.weight"],
  ["post_attention_layernorm.weight", "ffn_norm.weight"],
  ["mlp.gate_proj.weight", "ffn_gate.weight"],
  ["mlp.up_proj.weight", "ffn_up.weight"],
  ["mlp.down_proj.weight", "ffn_down.weight"],
];

const HF_TO_GGUF_BLOCK = new Map(BLOCK_NAMES);
const GGUF_TO_HF_BLOCK = new Map(BLOCK_NAMES.map(([h, g]) => [g, h] as const));
const HF_TO_GGUF_GLOBAL = new Map(GLOBAL_NAMES);
const GGUF_TO_HF_GLOBAL = new Map(GLOBAL_NAMES.map(([h, g]) => [g, h] as const));

const HF_BLOCK = /^model\.layers\.(\d+)\.(.+)$/;
const GGUF_BLOCK = /^blk\.(\d+)\.(.+)$/;

/**
 * GGUF name for an HF llama tensor name, or undefined when the tensor has no GGUF counterpart
 * (e.g. the `rotary_emb.inv_freq` buffers old checkpoints carry, which llama.cpp recomputes).
 */
export function hfToGgufTensorName(name: string): string | undefined {
  const global = HF_TO_GGUF_GLOBAL.get(name);
  if (global !== undefined) return global;
  const m = HF_BLOCK.exec(name);
  if (m === null) return undefined;
  const suffix = HF_TO_GGUF_BLOCK.get(m[2]);
  return suffix === undefined ? undefined : `blk.${m[1]}.${suffix}`;
}

/** HF name for a GGUF llama tensor name, or undefined when it is not a llama weight. */
export function ggufToHfTensorName(name: string): string | undefined {
  const global = GGUF_TO_HF_GLOBAL.get(name);
  if (global !== undefined) return global;
  const m = GGUF_BLOCK.exec(name);
  if (m === null) return undefined;
  const suffix = GGUF_TO_HF_BLOCK.get(m[2]);
  return suffix === undefined ? undefined : `model.layers.${m[1]}.${suffix}`;
}

/** Block tensors whose rows are grouped by head and follow the RoPE pairing (q and k projections). */
const ROPE_ROWS: ReadonlyMap<string, "q" | "k"> = new Map([
  ["attn_q.weight", "q"],
  ["attn_q.bias", "q"],
  ["attn_k.weight", "k"],
  ["attn_k.bias", "k"],
]);

/**
 * Which head grouping a GGUF tensor's rows follow for the RoPE permutation (see permute-qk.ts):
 * `q` and `k` projections (and their biases), everything else is untouched. Whether the
 * permutation applies at all depends on the architecture (gguf-architectures.ts).
 */
export function llamaRopePermutation(ggufName: string): "q" | "k" | undefined {
  const m = GGUF_BLOCK.exec(ggufName);
  return m === null ? undefined : ROPE_ROWS.get(m[2]);
}
