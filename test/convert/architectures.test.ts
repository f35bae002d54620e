/**
 * HF -> GGUF for every supported architecture, proven through llama.cpp: a tiny random checkpoint
 * built here (safetensors + config.json + tokenizer.json) converts, loads, and its log-probs match
 * a float64 forward pass computed from the HF weights in HF conventions (src/arch/hf-reference.ts:
 * HF names, rotate_half RoPE, transformers' frequency scaling), with the F32 KV cache. A wrong name
 * map, bias, norm, head size, RoPE pairing or permutation would move them by far more; the last
 * test shows that a deliberately wrong permutation does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaConfigInput } from "../../src/arch/llama-config.js";
import { createHfReference } from "../../src/arch/hf-reference.js";
import { needsQkPermutation } from "../../src/arch/gguf-architectures.js";
import { llamaHeadDim } from "../../src/arch/llama-config.js";
import { llamaRopePermutation } from "../../src/arch/llama-tensor-names.js";
import { permuteQK, unpermuteQK } from "../../src/arch/permute-qk.js";
import { readLlamaGguf } from "../../src/arch/read-llama-gguf.js";
import { convertHfToGguf } from "../../src/convert/index.js";
import { createLlamaBackend, type EvalBackend } from "../../src/eval/index.js";
import { openGguf, templateMetadata, writeGguf } from "../../src/tensor/gguf/index.js";
import { buildBpeTokenizer, type TokenizerFiles } from "../helpers/bpe-fixture.js";
import { seededRandom } from "../helpers/seeded-random.js";
import { buildSpmTokenizer } from "../helpers/spm-fixture.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinyHfModel, type TinyHfModel } from "../helpers/tiny-hf-model.js";
import { maxLogprobError } from "./logprob-agreement.js";

/** llama.cpp with F32 weights and F32 KV cache lands within ~1e-5 of float64 on these sizes. */
const TOLERANCE = 1e-4;

interface Case {
  readonly modelType: "llama" | "mistral" | "qwen2" | "qwen3";
  readonly gguf: string;
  readonly what: string;
  readonly config: Omit<LlamaConfigInput, "vocabSize">;
  readonly tokenizer: { files: TokenizerFiles; size: number; bosId: number; eosId: number };
}

const llamaBpe = buildBpeTokenizer("llama-bpe");
const qwenBpe = buildBpeTokenizer("qwen2");
const spm = buildSpmTokenizer();
const shape = { dim: 64, layers: 2, heads: 4, kvHeads: 2, ffnDim: 96, contextLength: 256, rmsEps: 1e-6 };

const CASES: Case[] = [
  {
    modelType: "llama",
    gguf: "llama",
    what: "Llama-3-style BPE vocabulary, tied embeddings, llama3 RoPE scaling",
    config: { ...shape, tieEmbeddings: true, ropeBase: 500000, ropeScaling: { type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalContextLength: 64 } },
    tokenizer: llamaBpe,
  },
  {
    modelType: "mistral",
    gguf: "llama",
    what: "SentencePiece byte-fallback vocabulary, head_dim 24 != 64/4, linear RoPE scaling",
    config: { ...shape, headDim: 24, ropeScaling: { type: "linear", factor: 2 } },
    tokenizer: spm,
  },
  {
    modelType: "qwen2",
    gguf: "qwen2",
    what: "Qwen2 BPE vocabulary, q/k/v biases, untied head",
    config: { ...shape, ropeBase: 1000000 },
    tokenizer: qwenBpe,
  },
  {
    modelType: "qwen3",
    gguf: "qwen3",
    what: "Qwen2 BPE vocabulary, q/k norms, head_dim 32 != 64/4, tied embeddings",
    config: { ...shape, headDim: 32, tieEmbeddings: true, ropeBase: 1000000 },
    tokenizer: qwenBpe,
  },
];

const path = useTempDir("convert-archs");
let backend: EvalBackend;
beforeAll(async () => {
  backend = await createLlamaBackend({ threads: 1, kvCache: "F32", contextSize: 128, sequences: 1 });
});
afterAll(async () => {
  await backend.dispose();
});

function randomTokens(seed: number, vocab: number, n: number): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => r.int(0, vocab - 1));
}

async function build(c: Case, seed: number): Promise<{ hf: TinyHfModel; vocab: number }> {
  // A few rows beyond the tokenizer: the converter pads the token list as llama.cpp's does.
  const vocab = c.tokenizer.size + 5;
  const hf = await writeTinyHfModel(path(`${c.modelType}-${seed}`), {
    modelType: c.modelType,
    config: { ...c.config, vocabSize: vocab },
    seed,
    tokenizer: c.tokenizer.files,
    bosTokenId: c.tokenizer.bosId,
    eosTokenId: c.tokenizer.eosId,
  });
  return { hf, vocab };
}

describe.each(CASES)("$modelType ($what)", (c) => {
  it(`converts to a ${c.gguf} GGUF whose llama.cpp log-probs match the HF-convention float64 reference`, async () => {
    const { hf, vocab } = await build(c, 21);
    const out = path(`${c.modelType}.gguf`);
    const result = await convertHfToGguf(hf.dir, { output: out, outType: "f32" });
    expect(result).toMatchObject({ architecture: c.modelType, ggufArchitecture: c.gguf });
    const ref = createHfReference(hf.configJson, hf.weights);
    const model = await backend.loadModel(out);
    try {
      const error = await maxLogprobError(model, ref, randomTokens(5, vocab, 48));
      console.info(`${c.modelType}: max |Δ log-prob| vs HF reference = ${error.toExponential(2)}`);
      expect(error).toBeLessThan(TOLERANCE);
    } finally {
      await model.dispose();
    }
  });
});

describe("a deliberately wrong q/k row order is caught", () => {
  it.each(CASES.filter((c) => c.modelType === "llama" || c.modelType === "qwen2"))("$modelType with the permutation toggled", async (c) => {
    const { hf, vocab } = await build(c, 22);
    const good = path(`${c.modelType}-good.gguf`);
    await convertHfToGguf(hf.dir, { output: good, outType: "f32" });
    const { config, weights } = await readLlamaGguf(good);
    const source = await openGguf(good);
    const metadata = templateMetadata(source, {});
    await source.close();
    // llama needs the permutation and loses it; qwen2 needs none and gets one.
    const toggled = [...weights].map(([name, data]) => {
      const kind = llamaRopePermutation(name);
      const spec = source.info(name)!;
      if (kind === undefined || !name.endsWith(".weight")) return { name, shape: spec.shape, dtype: "F32" as const, data };
      const heads = kind === "q" ? config.heads : config.kvHeads;
      const rows = heads * llamaHeadDim(config);
      const flipped = needsQkPermutation(config.architecture) ? unpermuteQK(data, heads, rows, data.length / rows) : permuteQK(data, heads, rows, data.length / rows);
      return { name, shape: spec.shape, dtype: "F32" as const, data: flipped };
    });
    const bad = path(`${c.modelType}-bad.gguf`);
    await writeGguf(bad, { metadata, tensors: toggled, overwrite: true });
    const ref = createHfReference(hf.configJson, hf.weights);
    const model = await backend.loadModel(bad);
    try {
      const error = await maxLogprobError(model, ref, randomTokens(6, vocab, 48));
      console.info(`${c.modelType} with the wrong q/k row order: max |Δ log-prob| = ${error.toExponential(2)}`);
      expect(error).toBeGreaterThan(100 * TOLERANCE);
    } finally {
      await model.dispose();
    }
  });
});
