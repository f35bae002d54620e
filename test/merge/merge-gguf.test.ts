/**
 * GGUF in, GGUF and safetensors out: the same recipe gives the same values in both formats, and the
 * merged GGUF is what llama.cpp computes with (its log-probs match the float64 reference forward
 * pass run on the merge computed independently here).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BYTE_BOS_ID, byteTokenize } from "../../src/arch/byte-tokenizer.js";
import { createLlamaReference } from "../../src/arch/llama-reference.js";
import { createLlamaBackend } from "../../src/eval/llama-backend.js";
import { merge } from "../../src/merge/index.js";
import { parseRecipe } from "../../src/recipe/index.js";
import { openGguf } from "../../src/tensor/gguf/index.js";
import { openHfCheckpoint } from "../../src/tensor/safetensors/index.js";
import { writeTinyLlamaGguf, type TinyLlama } from "../helpers/tiny-llama.js";

let dir: string;
const models: TinyLlama[] = [];
const WEIGHTS = [0.5, 0.3, 0.2];
const RECIPE = `merge_method: linear
models:
  - model: m0.gguf
    parameters: {weight: 0.5}
  - model: m1.gguf
    parameters: {weight: 0.3}
  - model: m2.gguf
    parameters: {weight: 0.2}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "smelt-merge-gguf-"));
  for (let i = 0; i < 3; i++) models.push(await writeTinyLlamaGguf(join(dir, `m${i}.gguf`), { seed: 40 + i }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The linear merge computed here in float64, independently of smelt's methods. */
function expectedWeights(): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const name of models[0].weights.keys()) {
    const xs = models.map((m) => m.weights.get(name)!);
    const r = new Float32Array(xs[0].length);
    for (let i = 0; i < r.length; i++) r[i] = xs.reduce((s, x, k) => s + WEIGHTS[k] * x[i], 0);
    out.set(name, r);
  }
  return out;
}

describe("merging GGUF files", () => {
  it("writes the same values to GGUF and to safetensors, and the GGUF keeps the template's metadata", async () => {
    const recipe = parseRecipe(RECIPE, "gguf.yaml");
    await merge(recipe, { output: join(dir, "merged.gguf"), baseDir: dir, threads: 0, outType: "f32" });
    await merge(recipe, { output: join(dir, "merged-st"), baseDir: dir, threads: 0, format: "safetensors", outType: "f32" });
    const gguf = await openGguf(join(dir, "merged.gguf"));
    const st = await openHfCheckpoint(join(dir, "merged-st"));
    const expected = expectedWeights();
    try {
      expect(gguf.architecture).toBe("llama");
      expect(gguf.list().map((t) => t.name)).toEqual(models[0].tensors.map((t) => t.name));
      for (const [name, want] of expected) {
        const a = await gguf.readF32(name);
        const b = await st.readF32(name);
        expect(a).toEqual(b);
        let err = 0;
        for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(a[i] - want[i]));
        expect(err).toBeLessThan(1e-6);
      }
    } finally {
      await gguf.close();
      await st.close();
    }
  });

  it("produces a GGUF that llama.cpp scores like the float64 reference of the expected merge (F32 KV cache)", async () => {
    const path = join(dir, "merged.gguf");
    const ref = createLlamaReference(models[0].config, expectedWeights());
    const backend = await createLlamaBackend({ threads: 1, kvCache: "F32", contextSize: 64 });
    try {
      const model = await backend.loadModel(path);
      const tokens = byteTokenize("merge me, llama");
      const rows = ref.logProbs([BYTE_BOS_ID, ...tokens]);
      const got = await model.loglikelihood(tokens.map((t, i) => ({ context: tokens.slice(0, i), continuation: [t] })));
      const err = Math.max(...got.map((g, i) => Math.abs(g.logprob - rows[i][tokens[i]])));
      expect(err).toBeLessThan(1e-4);
      await model.dispose();
    } finally {
      await backend.dispose();
    }
  });

  it("writes Q8_0 that llama.cpp loads, with 1-D tensors kept in F32", async () => {
    await merge(parseRecipe(RECIPE, "gguf.yaml"), { output: join(dir, "merged-q8.gguf"), baseDir: dir, threads: 2, outType: "q8_0" });
    // The same merge streamed in parts of two Q8_0 blocks (part-stream.ts) gives the same file.
    await merge(parseRecipe(RECIPE, "gguf.yaml"), { output: join(dir, "merged-q8-parts.gguf"), baseDir: dir, threads: 0, outType: "q8_0", engine: { splitElements: 64, chunkElements: 32 } });
    expect((await readFile(join(dir, "merged-q8-parts.gguf"))).equals(await readFile(join(dir, "merged-q8.gguf")))).toBe(true);
    const gguf = await openGguf(join(dir, "merged-q8.gguf"));
    try {
      const types = new Map(gguf.list().map((t) => [t.name, t.dtype]));
      expect(types.get("blk.0.attn_norm.weight")).toBe("F32");
      expect(types.get("blk.0.ffn_up.weight")).toBe("Q8_0");
    } finally {
      await gguf.close();
    }
    const backend = await createLlamaBackend({ threads: 1, contextSize: 64 });
    try {
      const model = await backend.loadModel(join(dir, "merged-q8.gguf"));
      const [r] = await model.loglikelihood([{ context: byteTokenize("abc"), continuation: byteTokenize("d") }]);
      expect(Number.isFinite(r.logprob)).toBe(true);
      await model.dispose();
    } finally {
      await backend.dispose();
    }
  });
});
