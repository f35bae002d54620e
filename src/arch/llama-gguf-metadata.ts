/**
 * The complete, typed GGUF metadata of a byte-vocabulary llama model: `general.*`, `llama.*` and
 * `tokenizer.ggml.*`. GGUF value types matter to llama.cpp (FIELD-NOTES §5): counts are u32,
 * real parameters f32, token types i32.
 */
import { ggufEntry, ggufFileType, ggufValue, type GgufDType, type GgufMetadataEntry } from "../tensor/gguf/index.js";
import { byteTokenizerMetadata } from "./byte-tokenizer.js";
import { llamaArchMetadata, type LlamaConfig } from "./llama-config.js";

export interface LlamaGgufMetadataOptions {
  /** Dominant weight dtype, for `general.file_type`. Defaults to "F32". */
  readonly dtype?: GgufDType;
}

/** Metadata entries for a llama model with the byte tokenizer (byte-tokenizer.ts). */
export function llamaGgufMetadata(
  config: LlamaConfig,
  name: string,
  options: LlamaGgufMetadataOptions = {},
): GgufMetadataEntry[] {
  const arch = llamaArchMetadata(config, name);
  const tok = byteTokenizerMetadata();
  const entries: GgufMetadataEntry[] = [
    ggufEntry("general.architecture", ggufValue.string(arch["general.architecture"])),
    ggufEntry("general.name", ggufValue.string(arch["general.name"])),
  ];
  const fileType = ggufFileType(options.dtype ?? "F32");
  if (fileType !== undefined) entries.push(ggufEntry("general.file_type", ggufValue.u32(fileType)));
  for (const key of [
    "llama.vocab_size",
    "llama.context_length",
    "llama.embedding_length",
    "llama.block_count",
    "llama.feed_forward_length",
    "llama.attention.head_count",
    "llama.attention.head_count_kv",
    "llama.rope.dimension_count",
  ] as const) {
    entries.push(ggufEntry(key, ggufValue.u32(arch[key])));
  }
  entries.push(
    ggufEntry("llama.rope.freq_base", ggufValue.f32(arch["llama.rope.freq_base"])),
    ggufEntry("llama.attention.layer_norm_rms_epsilon", ggufValue.f32(arch["llama.attention.layer_norm_rms_epsilon"])),
    ggufEntry("tokenizer.ggml.model", ggufValue.string(tok["tokenizer.ggml.model"])),
    ggufEntry("tokenizer.ggml.pre", ggufValue.string(tok["tokenizer.ggml.pre"])),
    ggufEntry("tokenizer.ggml.tokens", ggufValue.array("string", tok["tokenizer.ggml.tokens"])),
    ggufEntry("tokenizer.ggml.token_type", ggufValue.array("int32", tok["tokenizer.ggml.token_type"])),
    ggufEntry("tokenizer.ggml.merges", ggufValue.array("string", tok["tokenizer.ggml.merges"])),
    ggufEntry("tokenizer.ggml.bos_token_id", ggufValue.u32(tok["tokenizer.ggml.bos_token_id"])),
    ggufEntry("tokenizer.ggml.eos_token_id", ggufValue.u32(tok["tokenizer.ggml.eos_token_id"])),
    ggufEntry("tokenizer.ggml.add_bos_token", ggufValue.bool(tok["tokenizer.ggml.add_bos_token"])),
    ggufEntry("tokenizer.ggml.add_eos_token", ggufValue.bool(tok["tokenizer.ggml.add_eos_token"])),
  );
  return entries;
}
