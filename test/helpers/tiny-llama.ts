/**
 * Tiny random llama models built in code (house style §12: fixtures are built, not downloaded),
 * with the byte vocabulary so token id = byte. Besides the GGUF pieces, the builder returns the
 * exact float32 values llama.cpp will see for every tensor (`weights`), decoded with smelt's own
 * codecs, which is what the float64 reference runs on.
 */
import { llamaGgufMetadata } from "../../src/arch/llama-gguf-metadata.js";
import { LlamaConfigSchema, llamaTensorSpecs, type LlamaConfig, type LlamaConfigInput } from "../../src/arch/llama-config.js";
import { f16ToF32, f32ToF16 } from "../../src/tensor/codecs/float16.js";
import { dequantize, writeGguf, type GgufMetadataEntry, type GgufTensorData } from "../../src/tensor/gguf/index.js";
import { randomQuantBlocks, type RandomQuantDType } from "./random-quant-blocks.js";
import { seededRandom, type SeededRandom } from "./seeded-random.js";

/** A small config that llama.cpp loads in milliseconds: d64, 2 layers, GQA 4:2, byte vocabulary. */
export const TINY_LLAMA_CONFIG: LlamaConfigInput = {
  vocabSize: 258,
  dim: 64,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  ffnDim: 128,
  contextLength: 256,
  ropeBase: 10000,
  rmsEps: 1e-5,
};

export interface TinyLlamaOptions {
  readonly seed: number;
  /** Defaults to {@link TINY_LLAMA_CONFIG}. */
  readonly config?: LlamaConfigInput;
  /** Storage type of the matrices (norms stay F32, as llama.cpp wants). Defaults to "F32". */
  readonly dtype?: "F32" | "F16";
  /** Store `output.weight` as random valid blocks of this type. Needs dim % block size = 0. */
  readonly quantOutput?: RandomQuantDType;
  /** Store `token_embd.weight` as random valid blocks of this type (read by llama.cpp's get_rows). */
  readonly quantEmbedding?: RandomQuantDType;
  /** `general.name`. Defaults to "tiny-llama". */
  readonly name?: string;
}

export interface TinyLlama {
  readonly config: LlamaConfig;
  readonly metadata: GgufMetadataEntry[];
  readonly tensors: GgufTensorData[];
  /** The values each tensor decodes to, by GGUF name: the reference's input. */
  readonly weights: Map<string, Float32Array>;
}

/** Standard deviation for a tensor's random values: unit-RMS residual stream, logits of std ~2. */
function stdFor(name: string, shape: readonly number[]): number {
  if (name === "token_embd.weight") return 1;
  if (name === "output.weight") return 2 / Math.sqrt(shape[1]);
  return 1 / Math.sqrt(shape[shape.length - 1]);
}

function randomF32(n: number, std: number, random: SeededRandom, mean = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + random.normal(std);
  return out;
}

export function buildTinyLlama(options: TinyLlamaOptions): TinyLlama {
  const config = LlamaConfigSchema.parse(options.config ?? TINY_LLAMA_CONFIG);
  const random = seededRandom(options.seed);
  const dtype = options.dtype ?? "F32";
  const tensors: GgufTensorData[] = [];
  const weights = new Map<string, Float32Array>();
  for (const spec of llamaTensorSpecs(config)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const std = stdFor(spec.name, spec.shape);
    const quant =
      spec.name === "output.weight" ? options.quantOutput : spec.name === "token_embd.weight" ? options.quantEmbedding : undefined;
    if (spec.isNorm) {
      const data = randomF32(n, 0.1, random, 1);
      tensors.push({ name: spec.name, shape: spec.shape, dtype: "F32", data });
      weights.set(spec.name, data);
    } else if (quant !== undefined) {
      const blocks = randomQuantBlocks(quant, n, std, random);
      tensors.push({ name: spec.name, shape: spec.shape, dtype: quant, data: blocks });
      weights.set(spec.name, dequantize(quant, blocks));
    } else {
      // Round through the storage type so the reference sees exactly the stored values.
      const raw = randomF32(n, std, random);
      const data = dtype === "F16" ? f16ToF32(f32ToF16(raw)) : raw;
      tensors.push({ name: spec.name, shape: spec.shape, dtype, data });
      weights.set(spec.name, data);
    }
  }
  const mainType = options.quantOutput ?? options.quantEmbedding ?? dtype;
  const metadata = llamaGgufMetadata(config, options.name ?? "tiny-llama", { dtype: mainType });
  return { config, metadata, tensors, weights };
}

/** Builds a tiny llama and writes it as a GGUF file at `path`. */
export async function writeTinyLlamaGguf(path: string, options: TinyLlamaOptions): Promise<TinyLlama> {
  const model = buildTinyLlama(options);
  await writeGguf(path, { metadata: model.metadata, tensors: model.tensors, overwrite: true });
  return model;
}
