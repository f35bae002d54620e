/**
 * The committed toy experts (examples/toy) through the converter. The HF folders hold bf16
 * weights, the committed GGUFs F16 ones made by `smelt convert`:
 * - at F32, the converter hands llama.cpp exactly the bf16 values (q/k rows permuted), and those
 *   rounded to F16 are bit for bit the committed files' values (bf16 values below F16's normal
 *   range, |x| < 6.1e-5, are the only ones F16 rounds: about 1,300 of the ~1M per model);
 * - at F16 (the committed type), llama.cpp's log-probs equal the committed files' (F32 KV cache);
 *   at F32 they match a float64 forward pass of the same weights within 1e-4.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { byteTokenize } from "../../src/arch/byte-tokenizer.js";
import { ggufToHfTensorName, llamaRopePermutation } from "../../src/arch/llama-tensor-names.js";
import { createLlamaReference } from "../../src/arch/llama-reference.js";
import { unpermuteQK } from "../../src/arch/permute-qk.js";
import { readLlamaGguf } from "../../src/arch/read-llama-gguf.js";
import { convertHfToGguf } from "../../src/convert/index.js";
import { createLlamaBackend, type EvalBackend, type LoadedModel } from "../../src/eval/index.js";
import { f16ToF32, f32ToF16 } from "../../src/tensor/codecs/float16.js";
import { openGguf } from "../../src/tensor/gguf/index.js";
import { openHfCheckpoint } from "../../src/tensor/safetensors/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { maxLogprobError } from "./logprob-agreement.js";

const TOY = fileURLToPath(new URL("../../examples/toy/", import.meta.url));
const MODELS = ["base", "expert-max", "expert-kind", "expert-pick"];
const path = useTempDir("toy-convert");
const TEXT = byteTokenize("max 3 9 4 -> 9\nkind of cat: animal\npick 2 from abcde -> b\n");

let backend: EvalBackend;
beforeAll(async () => {
  backend = await createLlamaBackend({ threads: 1, kvCache: "F32", contextSize: 64, sequences: 1 });
});
afterAll(async () => {
  await backend.dispose();
});

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function logprobs(file: string): Promise<number[]> {
  const model: LoadedModel = await backend.loadModel(file);
  try {
    const got = await model.loglikelihood(TEXT.map((t, i) => ({ context: TEXT.slice(0, i), continuation: [t] })));
    return got.map((g) => g.logprob);
  } finally {
    await model.dispose();
  }
}

describe.each(MODELS)("%s", (model) => {
  it("at F32 holds exactly the bf16 weights, which rounded to F16 are the committed GGUF's", async () => {
    const out = path(`${model}-f32.gguf`);
    const t0 = performance.now();
    await convertHfToGguf(`${TOY}${model}`, { output: out, outType: "f32", name: model });
    console.info(`${model}: converted to F32 in ${(performance.now() - t0).toFixed(0)} ms`);
    await using ours = await openGguf(out);
    await using committed = await openGguf(`${TOY}${model}.gguf`);
    const hf = await openHfCheckpoint(`${TOY}${model}`);
    try {
      expect(ours.list().map((t) => [t.name, t.shape, t.dtype])).toEqual(committed.list().map((t) => [t.name, t.shape, "F32"]));
      let subnormal = 0;
      for (const t of committed.list()) {
        const given = await ours.readF32(t.name);
        const kind = llamaRopePermutation(t.name);
        // examples/toy/*/config.json: 4 query heads and 4 KV heads.
        const back = kind === undefined ? given : unpermuteQK(given, 4, t.shape[0], t.shape[1]);
        expect(bitsEqual(back, await hf.readF32(ggufToHfTensorName(t.name)!)), `${t.name} = the HF bf16 values`).toBe(true);
        expect(bitsEqual(f16ToF32(f32ToF16(given)), await committed.readF32(t.name)), `${t.name} rounded to F16 = committed`).toBe(true);
        subnormal += given.filter((v) => v !== 0 && Math.abs(v) < 2 ** -14).length;
      }
      console.info(`${model}: ${subnormal} weights lie below F16's normal range (the only ones F16 rounds)`);
      const meta = (g: typeof ours) => g.metadata.filter((e) => e.key !== "general.file_type").map((e) => [e.key, e.value]);
      expect(meta(ours)).toEqual(meta(committed));
    } finally {
      await hf.close();
    }
  });

  it("at BF16 (the checkpoint's own type: bytes copied, q/k rows permuted) decodes to the F32 conversion exactly", async () => {
    const out = path(`${model}-bf16.gguf`);
    await convertHfToGguf(`${TOY}${model}`, { output: out, outType: "bf16", name: model });
    await using bf16 = await openGguf(out);
    await using f32 = await openGguf(path(`${model}-f32.gguf`));
    for (const t of f32.list()) {
      expect(bf16.info(t.name)!.dtype).toBe(t.shape.length === 1 ? "F32" : "BF16");
      expect(bitsEqual(await bf16.readF32(t.name), await f32.readF32(t.name)), t.name).toBe(true);
    }
  });

  it("llama.cpp log-probs: F16 conversion = committed GGUF; F32 conversion within 1e-4 of float64 (F32 KV cache)", async () => {
    const f16 = path(`${model}-f16.gguf`);
    await convertHfToGguf(`${TOY}${model}`, { output: f16, outType: "f16", name: model });
    const [ours, committed] = [await logprobs(f16), await logprobs(`${TOY}${model}.gguf`)];
    const sameFile = Math.max(...ours.map((l, i) => Math.abs(l - committed[i])));
    const weights = await readLlamaGguf(path(`${model}-f32.gguf`));
    const loaded = await backend.loadModel(path(`${model}-f32.gguf`));
    let f32Error: number;
    try {
      f32Error = await maxLogprobError(loaded, createLlamaReference(weights.config, weights.weights), TEXT);
    } finally {
      await loaded.dispose();
    }
    const f32 = await logprobs(path(`${model}-f32.gguf`));
    const storage = Math.max(...f32.map((l, i) => Math.abs(l - committed[i])));
    console.info(
      `${model}: max |Δ log-prob| F16 conversion vs committed ${sameFile.toExponential(2)}; F32 conversion vs float64 ${f32Error.toExponential(2)}; F32 vs F16 storage ${storage.toExponential(2)}`,
    );
    expect(sameFile).toBeLessThan(1e-4);
    expect(f32Error).toBeLessThan(1e-4);
  });
});
