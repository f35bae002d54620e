import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { llamaHfTensorSpecs } from "../../src/arch/llama-hf-tensor-specs.js";
import { createSafetensorsSink } from "../../src/tensor/safetensors/index.js";

/** Llama-shaped tensor list with about `params` parameters (dim and layers scale together). */
export function syntheticLlamaShapes(params: number): { name: string; shape: number[] }[] {
  // The 1B reference shape: dim 2048, ffn 5632, 16 layers, vocab 32000 (~0.95B parameters).
  const scale = Math.cbrt(params / 0.954e9);
  const dim = Math.max(64, Math.round((2048 * scale) / 64) * 64);
  const ffn = Math.max(64, Math.round((5632 * scale) / 64) * 64);
  const layers = Math.max(1, Math.round(16 * scale));
  return llamaHfTensorSpecs({ vocabSize: 32000, dim, layers, heads: dim / 64, kvHeads: dim / 64, ffnDim: ffn, contextLength: 2048 });
}

/**
 * Writes an HF folder of bf16 weights, streaming tensor by tensor. Values are a cheap hash of the
 * index and seed scaled like trained weights (|w| ~ 0.02), with a model-specific offset so task
 * vectors are non-trivial.
 */
export async function generateSyntheticModel(dir: string, shapes: { name: string; shape: number[] }[], seed: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const sink = await createSafetensorsSink({ dir, tensors: shapes.map((s) => ({ ...s, dtype: "BF16" as const })), maxShardBytes: 2e9 });
  for (const s of shapes) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const bits = new Uint16Array(n);
    let x = (seed * 0x9e3779b1) >>> 0;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      // bf16 with exponent around 2^-6 and a random sign/mantissa: |w| in [0.0156, 0.031).
      bits[i] = ((x & 0x8000) | (0x3c80 + ((x >>> 8) & 0x7f))) & 0xffff;
    }
    await sink.write({ kind: "raw", name: s.name, dtype: "BF16", shape: s.shape, bytes: new Uint8Array(bits.buffer) });
  }
  await sink.commit();
  await writeFile(join(dir, "config.json"), JSON.stringify({ architectures: ["LlamaForCausalLM"], model_type: "llama", torch_dtype: "bfloat16" }));
}
