/**
 * The llama.cpp architectures smelt writes (`general.architecture`), and what distinguishes them
 * for a llama-family decoder. Each one's metadata keys carry its name as a prefix
 * (`qwen2.block_count`).
 *
 * `rope` is the pairing llama.cpp's rotary embedding uses for the architecture (llama-model.cpp,
 * `llama_model_rope_type`): "normal" rotates adjacent pairs (2i, 2i+1), "neox" rotates i with
 * i + d/2, which is Hugging Face's `rotate_half`. So HF q/k projections need their rows permuted
 * exactly for the "normal" architectures; llama.cpp's converter does the same (LlamaModel's
 * `undo_permute`, absent from Qwen2Model/Qwen3Model).
 */
export const GGUF_ARCHITECTURES = {
  llama: { rope: "normal" },
  qwen2: { rope: "neox" },
  qwen3: { rope: "neox" },
} as const satisfies Record<string, { readonly rope: "normal" | "neox" }>;

export type GgufArchitecture = keyof typeof GGUF_ARCHITECTURES;

export const GGUF_ARCHITECTURE_NAMES = Object.keys(GGUF_ARCHITECTURES) as GgufArchitecture[];

export function isGgufArchitecture(name: unknown): name is GgufArchitecture {
  return typeof name === "string" && Object.hasOwn(GGUF_ARCHITECTURES, name);
}

/** Whether HF q/k rows must be permuted for this architecture's RoPE pairing. */
export function needsQkPermutation(arch: GgufArchitecture): boolean {
  return GGUF_ARCHITECTURES[arch].rope === "normal";
}
