/**
 * The conversion tables against the two references, without llama.cpp: HF weights run through
 * the HF-convention reference and the same weights converted to GGUF (names, q/k permutation where
 * the architecture needs it) through the GGUF-convention reference give the same log-probs.
 */
import { describe, expect, it } from "vitest";
import { hfLlamaTensorToGguf } from "../../src/arch/convert-llama-tensor.js";
import { createHfReference } from "../../src/arch/hf-reference.js";
import { LlamaConfigSchema, llamaTensorSpecs, type LlamaConfigInput } from "../../src/arch/llama-config.js";
import { llamaConfigToHfConfig } from "../../src/arch/llama-hf-config.js";
import { llamaHfTensorSpecs } from "../../src/arch/llama-hf-tensor-specs.js";
import { createLlamaReference } from "../../src/arch/llama-reference.js";
import { llama3RopeDivisors } from "../../src/arch/rope-scaling.js";
import { seededRandom } from "../helpers/seeded-random.js";

const shape = { vocabSize: 50, dim: 32, layers: 2, heads: 4, kvHeads: 2, ffnDim: 48, contextLength: 64 };
const CASES: [string, "llama" | "mistral" | "qwen2" | "qwen3", LlamaConfigInput][] = [
  ["llama, llama3 RoPE, tied", "llama", { ...shape, tieEmbeddings: true, ropeScaling: { type: "llama3", factor: 4, lowFreqFactor: 1, highFreqFactor: 4, originalContextLength: 16 } }],
  ["mistral, head_dim 12, linear RoPE", "mistral", { ...shape, headDim: 12, ropeScaling: { type: "linear", factor: 2 } }],
  ["qwen2, biases", "qwen2", { ...shape, architecture: "qwen2", attentionBias: true }],
  ["qwen3, q/k norms, head_dim 16", "qwen3", { ...shape, architecture: "qwen3", qkNorm: true, headDim: 16 }],
];

describe.each(CASES)("%s", (_, modelType, input) => {
  const config = LlamaConfigSchema.parse(input);
  const random = seededRandom(8);
  const hf = new Map(llamaHfTensorSpecs(config).map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const norm = /norm/.test(s.name);
    return [s.name, Float32Array.from({ length: n }, () => (norm ? 1 : 0) + random.normal(norm ? 0.1 : 0.3))] as const;
  }));
  const tokens = Array.from({ length: 24 }, (_, i) => (i * 7 + 3) % shape.vocabSize);

  it("the GGUF conversion computes what the HF checkpoint computes", () => {
    const gguf = new Map<string, Float32Array>();
    for (const s of llamaHfTensorSpecs(config)) {
      const t = hfLlamaTensorToGguf(config, { name: s.name, shape: s.shape, data: hf.get(s.name)! })!;
      gguf.set(t.name, t.data);
    }
    if (config.ropeScaling.type === "llama3") gguf.set("rope_freqs.weight", llama3RopeDivisors(config.ropeScaling, config.headDim ?? 8, config.ropeBase));
    expect([...gguf.keys()].sort()).toEqual(llamaTensorSpecs(config).map((s) => s.name).sort());
    const a = createHfReference(llamaConfigToHfConfig(config, { modelType }), hf).logProbs(tokens);
    const b = createLlamaReference(config, gguf).logProbs(tokens);
    let max = 0;
    a.forEach((row, i) => row.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i][j])))));
    // float32 RoPE divisors are the only rounding between the two.
    expect(max).toBeLessThan(1e-5);
  });
});
