/**
 * The GGUF metadata of a llama-family model: `general.*`, the architecture's hyper-parameters
 * (`<arch>.*`, named by llama.cpp's llama-arch.cpp) and the tokenizer's keys. GGUF value types
 * matter to llama.cpp (FIELD-NOTES §5): counts are u32, real parameters f32, token types i32.
 */
import { ggufEntry, ggufFileType, ggufValue, type GgufDType, type GgufMetadataEntry } from "../tensor/gguf/index.js";
import { byteTokenizerGgufEntries } from "./byte-tokenizer.js";
import { llamaHeadDim, type LlamaConfig } from "./llama-config.js";

export interface LlamaGgufMetadataOptions {
  /** Dominant weight dtype, for `general.file_type`. Defaults to "F32". */
  readonly dtype?: GgufDType;
  /** The `tokenizer.*` entries. Defaults to smelt's byte-level vocabulary (byte-tokenizer.ts). */
  readonly tokenizer?: readonly GgufMetadataEntry[];
}

/**
 * `general.*` and `<arch>.*` entries for a config. Keys that only restate llama.cpp's defaults
 * are left out, so plain configs give the same bytes as before the key existed:
 * `attention.key_length`/`value_length` only when the head size is not dim / heads (llama.cpp's
 * converter writes them whenever config.json has `head_dim`; both load identically), and
 * `rope.scaling.*` only for linear scaling ("llama3" scaling is the `rope_freqs.weight` tensor).
 */
export function llamaArchGgufEntries(config: LlamaConfig, name: string, dtype: GgufDType = "F32"): GgufMetadataEntry[] {
  const a = config.architecture;
  const hd = llamaHeadDim(config);
  const entries: GgufMetadataEntry[] = [
    ggufEntry("general.architecture", ggufValue.string(a)),
    ggufEntry("general.name", ggufValue.string(name)),
  ];
  const fileType = ggufFileType(dtype);
  if (fileType !== undefined) entries.push(ggufEntry("general.file_type", ggufValue.u32(fileType)));
  const counts: [string, number][] = [
    ["vocab_size", config.vocabSize],
    ["context_length", config.contextLength],
    ["embedding_length", config.dim],
    ["block_count", config.layers],
    ["feed_forward_length", config.ffnDim],
    ["attention.head_count", config.heads],
    ["attention.head_count_kv", config.kvHeads],
    ...(hd * config.heads !== config.dim ? ([["attention.key_length", hd], ["attention.value_length", hd]] as [string, number][]) : []),
    ["rope.dimension_count", hd],
  ];
  for (const [key, value] of counts) entries.push(ggufEntry(`${a}.${key}`, ggufValue.u32(value)));
  entries.push(
    ggufEntry(`${a}.rope.freq_base`, ggufValue.f32(config.ropeBase)),
    ggufEntry(`${a}.attention.layer_norm_rms_epsilon`, ggufValue.f32(config.rmsEps)),
  );
  if (config.ropeScaling.type === "linear") {
    entries.push(
      ggufEntry(`${a}.rope.scaling.type`, ggufValue.string("linear")),
      ggufEntry(`${a}.rope.scaling.factor`, ggufValue.f32(config.ropeScaling.factor)),
    );
  }
  return entries;
}

/** Every metadata entry of a llama-family model: architecture, then tokenizer. */
export function llamaGgufMetadata(
  config: LlamaConfig,
  name: string,
  options: LlamaGgufMetadataOptions = {},
): GgufMetadataEntry[] {
  return [...llamaArchGgufEntries(config, name, options.dtype ?? "F32"), ...(options.tokenizer ?? byteTokenizerGgufEntries())];
}
