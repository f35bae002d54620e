/**
 * Quantised tensors in smelt-written GGUFs: llama.cpp decodes them with its own kernels, the
 * reference runs on smelt's dequantised values. Agreement checks smelt's Q8_0/Q6_K/Q4_K decoders
 * against llama.cpp independently of any Python tool, on random (not quantiser-made) blocks.
 *  - token_embd is read with ggml's get_rows, which dequantises exactly: agreement is tight.
 *  - output.weight goes through a quantised dot product, where llama.cpp first quantises the
 *    activations to 8 bits: agreement is looser, but a wrong decoder is still far outside it.
 *  - F16 matrices are checked the same way (ggml rounds activations to F16 for that matmul).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BYTE_BOS_ID, byteTokenize } from "../../src/arch/byte-tokenizer.js";
import { createLlamaReference, type LlamaWeights } from "../../src/arch/llama-reference.js";
import type { EvalBackend } from "../../src/eval/backend.js";
import { createLlamaBackend } from "../../src/eval/llama-backend.js";
import type { RandomQuantDType } from "../helpers/random-quant-blocks.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { TINY_LLAMA_CONFIG, writeTinyLlamaGguf, type TinyLlama } from "../helpers/tiny-llama.js";

/** K-quants need rows that are whole 256-value super-blocks, so dim is 256 here. */
const CONFIG = { ...TINY_LLAMA_CONFIG, dim: 256, layers: 1, ffnDim: 256 };
const TEXT = "The cat sat on the mat. 42!";
const EMBEDDING_TOLERANCE = 1e-4;
/** Observed 3e-2 to 7e-2 (8-bit activations); a broken decoder gives errors of order 1 and more. */
const OUTPUT_TOLERANCE = 0.15;

const path = useTempDir("llama-quant");
let backend: EvalBackend;

beforeAll(async () => {
  backend = await createLlamaBackend({ threads: 1, kvCache: "F32", sequences: 1, contextSize: 64 });
});
afterAll(async () => {
  await backend.dispose();
});

/** For each weight set: max |llama.cpp - reference| over every next-token log-prob of TEXT. */
async function maxErrors(file: string, model: TinyLlama, weightSets: readonly LlamaWeights[]): Promise<number[]> {
  const loaded = await backend.loadModel(file);
  try {
    const tokens = byteTokenize(TEXT);
    const got = await loaded.loglikelihood(tokens.map((t, i) => ({ context: tokens.slice(0, i), continuation: [t] })));
    return weightSets.map((weights) => {
      const rows = createLlamaReference(model.config, weights).logProbs([BYTE_BOS_ID, ...tokens]);
      return Math.max(...got.map((g, i) => Math.abs(g.logprob - rows[i][tokens[i]])));
    });
  } finally {
    await loaded.dispose();
  }
}

/** The same values decoded with a plausible layout bug: each row's values rotated by `block`. */
function misdecoded(model: TinyLlama, name: string, block: number): Map<string, Float32Array> {
  const data = model.weights.get(name)!;
  const cols = CONFIG.dim;
  const out = new Float32Array(data.length);
  for (let r = 0; r < data.length / cols; r++) {
    const row = data.subarray(r * cols, (r + 1) * cols);
    out.set(row.subarray(block), r * cols);
    out.set(row.subarray(0, block), r * cols + cols - block);
  }
  return new Map(model.weights).set(name, out);
}

/** Shift for the mis-decoded control: one Q8_0 block, or half a K-quant super-block (rows hold one). */
const SHIFT: Record<RandomQuantDType, number> = { Q8_0: 32, Q6_K: 128, Q4_K: 128 };

describe.each(["Q8_0", "Q6_K", "Q4_K"] as const)("%s blocks", (dtype) => {
  it("in token_embd decode in smelt exactly as in llama.cpp", async () => {
    const file = path(`embd-${dtype}.gguf`);
    const model = await writeTinyLlamaGguf(file, { seed: 21, config: CONFIG, quantEmbedding: dtype });
    const [error, broken] = await maxErrors(file, model, [model.weights, misdecoded(model, "token_embd.weight", SHIFT[dtype])]);
    console.info(`${dtype} token_embd: max error ${error.toExponential(2)}; with a mis-decoded layout ${broken.toExponential(2)}`);
    expect(error).toBeLessThan(EMBEDDING_TOLERANCE);
    expect(broken).toBeGreaterThan(100 * EMBEDDING_TOLERANCE);
  });

  it("in output.weight agree with llama.cpp's quantised matmul", async () => {
    const file = path(`output-${dtype}.gguf`);
    const model = await writeTinyLlamaGguf(file, { seed: 22, config: CONFIG, quantOutput: dtype });
    const [error, broken] = await maxErrors(file, model, [model.weights, misdecoded(model, "output.weight", SHIFT[dtype])]);
    console.info(`${dtype} output.weight: max error ${error.toExponential(2)}; with a mis-decoded layout ${broken.toExponential(2)}`);
    expect(error).toBeLessThan(OUTPUT_TOLERANCE);
    expect(broken).toBeGreaterThan(20 * OUTPUT_TOLERANCE);
  });
});

describe("F16 matrices", () => {
  it("agree within 1e-2: ggml's F16 matmul rounds the activations to F16 too", async () => {
    const file = path("f16.gguf");
    const model = await writeTinyLlamaGguf(file, { seed: 23, dtype: "F16" });
    const [error] = await maxErrors(file, model, [model.weights]);
    console.info(`F16 matrices: max error ${error.toExponential(2)}`);
    expect(error).toBeLessThan(1e-2);
  });
});
