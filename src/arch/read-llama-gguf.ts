/**
 * A llama GGUF file read back into what the float64 reference needs: its `LlamaConfig` (from the
 * `llama.*` keys) and every tensor decoded to float32 by smelt's own codecs. For toy models: all
 * weights are held in memory at once.
 */
import { TensorFormatError } from "../errors.js";
import { openGguf, type GgufMetadataEntry } from "../tensor/gguf/index.js";
import { LlamaConfigSchema, type LlamaConfig } from "./llama-config.js";

/** Read access to metadata by key, as `GgufSource` offers it. */
export interface GgufMetadataLookup {
  readonly location: string;
  get(key: string): GgufMetadataEntry | undefined;
  info(name: string): { readonly shape: readonly number[] } | undefined;
}

function numberAt(file: GgufMetadataLookup, key: string, fallback?: number): number {
  const entry = file.get(key);
  if (entry === undefined) {
    if (fallback !== undefined) return fallback;
    throw new TensorFormatError(file.location, `metadata key ${key} is missing; it is required for a llama model`);
  }
  if (typeof entry.value !== "number") {
    throw new TensorFormatError(file.location, `metadata key ${key} is a ${entry.type}, expected a number`);
  }
  return entry.value;
}

/** The `LlamaConfig` a llama GGUF describes. Throws TensorFormatError naming the file and key. */
export function llamaConfigFromGguf(file: GgufMetadataLookup): LlamaConfig {
  const arch = file.get("general.architecture");
  if (arch?.value !== "llama") {
    throw new TensorFormatError(file.location, `general.architecture is ${JSON.stringify(arch?.value)}, expected "llama"`);
  }
  const embd = file.info("token_embd.weight");
  if (embd === undefined) throw new TensorFormatError(file.location, "no token_embd.weight tensor");
  const dim = numberAt(file, "llama.embedding_length");
  const heads = numberAt(file, "llama.attention.head_count");
  const rope = numberAt(file, "llama.rope.dimension_count", dim / heads);
  if (rope !== dim / heads) {
    throw new TensorFormatError(file.location, `llama.rope.dimension_count ${rope} != head size ${dim / heads}; partial RoPE is not supported`);
  }
  const parsed = LlamaConfigSchema.safeParse({
    vocabSize: numberAt(file, "llama.vocab_size", embd.shape[0]),
    dim,
    layers: numberAt(file, "llama.block_count"),
    heads,
    kvHeads: numberAt(file, "llama.attention.head_count_kv", heads),
    ffnDim: numberAt(file, "llama.feed_forward_length"),
    ropeBase: numberAt(file, "llama.rope.freq_base", 10000),
    rmsEps: numberAt(file, "llama.attention.layer_norm_rms_epsilon"),
    contextLength: numberAt(file, "llama.context_length"),
    tieEmbeddings: file.info("output.weight") === undefined,
  });
  if (!parsed.success) {
    throw new TensorFormatError(file.location, `inconsistent llama metadata: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  return parsed.data;
}

/** Opens a llama GGUF and decodes every tensor to float32, by GGUF name. */
export async function readLlamaGguf(path: string): Promise<{ config: LlamaConfig; weights: Map<string, Float32Array> }> {
  await using file = await openGguf(path);
  const config = llamaConfigFromGguf(file);
  const weights = new Map<string, Float32Array>();
  for (const t of file.list()) weights.set(t.name, await file.readF32(t.name));
  return { config, weights };
}
