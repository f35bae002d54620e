import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { llamaHfTensorSpecs } from "../../src/arch/llama-hf-tensor-specs.js";
import { openHfCheckpoint, writeSafetensors } from "../../src/tensor/safetensors/index.js";
import type { SafetensorsDType } from "../../src/tensor/safetensors/index.js";

/** A tiny llama-shaped tensor set: names as Hugging Face writes them. */
export function llamaShapes(layers = 2, dim = 8, ffn = 12, vocab = 16): { name: string; shape: number[] }[] {
  return llamaHfTensorSpecs({ vocabSize: vocab, dim, layers, heads: 2, kvHeads: 2, ffnDim: ffn, contextLength: 64 });
}

/** Deterministic pseudo-random values (mulberry32), so fixtures are reproducible. */
export function randomValues(n: number, seed: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

export type TensorMap = Map<string, { shape: number[]; data: Float32Array }>;

export function randomModel(seed: number, shapes = llamaShapes()): TensorMap {
  const m: TensorMap = new Map();
  shapes.forEach((s, i) => m.set(s.name, { shape: s.shape, data: randomValues(s.shape.reduce((a, b) => a * b, 1), seed * 1000 + i, 0.5) }));
  return m;
}

/** Writes an HF folder: model.safetensors + config.json (+ a tokenizer file to check copying). */
export async function writeHfModel(dir: string, tensors: TensorMap, dtype: SafetensorsDType = "F32", modelType = "llama"): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeSafetensors(join(dir, "model.safetensors"), [...tensors].map(([name, t]) => ({ name, dtype, shape: t.shape, data: t.data })));
  await writeFile(join(dir, "config.json"), JSON.stringify({ architectures: ["LlamaForCausalLM"], model_type: modelType, torch_dtype: "float32", hidden_size: 8 }));
  await writeFile(join(dir, "tokenizer_config.json"), JSON.stringify({ model_max_length: 64, from: dir }));
}

/** Each tensor's stored bytes in a merged HF folder, by name. */
export async function storedTensors(path: string): Promise<Map<string, Buffer>> {
  const src = await openHfCheckpoint(path);
  try {
    return new Map(await Promise.all(src.list().map(async (t) => [t.name, Buffer.from((await src.readRaw(t.name)).bytes)] as const)));
  } finally {
    await src.close();
  }
}
