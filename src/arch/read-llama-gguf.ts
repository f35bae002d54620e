/**
 * A llama-family GGUF (`llama`, `qwen2`, `qwen3`) read back into what the float64 reference needs:
 * its `LlamaConfig` (from the `<arch>.*` keys and which optional tensors exist) and every tensor
 * decoded to float32 by smelt's own codecs. For toy models: all weights are held in memory at once.
 */
import { TensorFormatError } from "../errors.js";
import { openGguf, type GgufMetadataEntry } from "../tensor/gguf/index.js";
import { GGUF_ARCHITECTURE_NAMES, isGgufArchitecture } from "./gguf-architectures.js";
import { LlamaConfigSchema, type LlamaConfig } from "./llama-config.js";
import type { RopeScaling } from "./rope-scaling.js";

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
    throw new TensorFormatError(file.location, `metadata key ${key} is missing; it is required for this model`);
  }
  if (typeof entry.value !== "number") {
    throw new TensorFormatError(file.location, `metadata key ${key} is a ${entry.type}, expected a number`);
  }
  return entry.value;
}

function ropeScalingOf(file: GgufMetadataLookup, arch: string): RopeScaling {
  const type = file.get(`${arch}.rope.scaling.type`)?.value;
  if (type === undefined || type === "none") return { type: "none" };
  if (type === "linear") return { type: "linear", factor: numberAt(file, `${arch}.rope.scaling.factor`) };
  throw new TensorFormatError(file.location, `${arch}.rope.scaling.type ${JSON.stringify(type)} is not supported by smelt's reference`);
}

/** The `LlamaConfig` a llama-family GGUF describes. Throws TensorFormatError naming the file and key. */
export function llamaConfigFromGguf(file: GgufMetadataLookup): LlamaConfig {
  const arch = file.get("general.architecture")?.value;
  if (!isGgufArchitecture(arch)) {
    throw new TensorFormatError(file.location, `general.architecture is ${JSON.stringify(arch)}, expected one of ${GGUF_ARCHITECTURE_NAMES.join(", ")}`);
  }
  const embd = file.info("token_embd.weight");
  if (embd === undefined) throw new TensorFormatError(file.location, "no token_embd.weight tensor");
  const dim = numberAt(file, `${arch}.embedding_length`);
  const heads = numberAt(file, `${arch}.attention.head_count`);
  const headDim = numberAt(file, `${arch}.attention.key_length`, dim / heads);
  const rope = numberAt(file, `${arch}.rope.dimension_count`, headDim);
  if (rope !== headDim) {
    throw new TensorFormatError(file.location, `${arch}.rope.dimension_count ${rope} != head size ${headDim}; partial RoPE is not supported`);
  }
  // llama3-style scaling lives in the rope_freqs.weight tensor, which the reference reads directly.
  const divisors = file.info("rope_freqs.weight");
  const parsed = LlamaConfigSchema.safeParse({
    architecture: arch,
    vocabSize: numberAt(file, `${arch}.vocab_size`, embd.shape[0]),
    dim,
    layers: numberAt(file, `${arch}.block_count`),
    heads,
    kvHeads: numberAt(file, `${arch}.attention.head_count_kv`, heads),
    ...(headDim !== dim / heads ? { headDim } : {}),
    ffnDim: numberAt(file, `${arch}.feed_forward_length`),
    ropeBase: numberAt(file, `${arch}.rope.freq_base`, 10000),
    ropeScaling: divisors ? { type: "divisors" } : ropeScalingOf(file, arch),
    rmsEps: numberAt(file, `${arch}.attention.layer_norm_rms_epsilon`),
    contextLength: numberAt(file, `${arch}.context_length`),
    tieEmbeddings: file.info("output.weight") === undefined,
    attentionBias: file.info("blk.0.attn_q.bias") !== undefined,
    qkNorm: file.info("blk.0.attn_q_norm.weight") !== undefined,
  });
  if (!parsed.success) {
    throw new TensorFormatError(file.location, `inconsistent ${arch} metadata: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  return parsed.data;
}

/** Opens a llama-family GGUF and decodes every tensor to float32, by GGUF name. */
export async function readLlamaGguf(path: string): Promise<{ config: LlamaConfig; weights: Map<string, Float32Array> }> {
  await using file = await openGguf(path);
  const config = llamaConfigFromGguf(file);
  const weights = new Map<string, Float32Array>();
  for (const t of file.list()) weights.set(t.name, await file.readF32(t.name));
  return { config, weights };
}
