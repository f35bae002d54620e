/**
 * Merges of HF checkpoints written as GGUF, converted on the fly: the result equals merging the
 * checkpoints' converted GGUFs, tensor for tensor and key for key (the q/k row permutation commutes
 * with element-wise methods and with row-wise quantisation), and llama.cpp loads it. Covered: the
 * toy experts (llama, byte vocabulary) and tiny qwen2 / llama-with-llama3-RoPE checkpoints with
 * BPE tokenizers (biases, a generated rope_freqs tensor, the tokenizer from `tokenizer_source`).
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { convertHfToGguf } from "../../src/convert/index.js";
import { createLlamaBackend } from "../../src/eval/index.js";
import { merge } from "../../src/merge/index.js";
import { parseRecipe } from "../../src/recipe/index.js";
import { openGguf } from "../../src/tensor/gguf/index.js";
import { buildBpeTokenizer } from "../helpers/bpe-fixture.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinyHfModel } from "../helpers/tiny-hf-model.js";

const TOY = fileURLToPath(new URL("../../examples/toy/", import.meta.url));
const path = useTempDir("merge-hf-gguf");

/** A recipe over `refs` (the first is the base), with `method`'s parameters. */
function recipe(method: string, refs: readonly string[], extra = ""): string {
  const [base, ...rest] = refs;
  const weights = [0.6, 0.4, 0.5];
  const models = rest.map((m, i) => `  - model: ${m}\n    parameters: {weight: ${weights[i]}${method === "ties" ? ", density: 0.6" : ""}}`).join("\n");
  return `merge_method: ${method}\nbase_model: ${base}\nmodels:\n${models}\n${extra}`;
}

/**
 * Same tensors (name, shape, dtype, bytes) and metadata. The tensor order may differ: a merge
 * writes in its plan's order, which follows the input names (HF or GGUF).
 */
async function expectSameGguf(a: string, b: string): Promise<void> {
  await using x = await openGguf(a);
  await using y = await openGguf(b);
  const infos = (g: typeof x) => g.list().map((t) => [t.name, t.shape, t.dtype]).sort((p, q) => String(p[0]).localeCompare(String(q[0])));
  expect(infos(x)).toEqual(infos(y));
  for (const t of x.list()) {
    const [p, q] = [await x.readRaw(t.name), await y.readRaw(t.name)];
    expect(Buffer.from(p.bytes).equals(Buffer.from(q.bytes)), t.name).toBe(true);
  }
  expect(x.metadata.map((e) => [e.key, e.value])).toEqual(y.metadata.map((e) => [e.key, e.value]));
}

describe("merging the toy experts' HF folders to GGUF", () => {
  const experts = ["base", "expert-max", "expert-kind", "expert-pick"];

  async function mergeBoth(method: string, outType: string): Promise<[hf: string, gguf: string]> {
    for (const e of experts) await convertHfToGguf(`${TOY}${e}`, { output: path(`${e}.gguf`), outType: "f32", force: true, name: e });
    const hf = path(`hf-${method}-${outType}.gguf`);
    const gguf = path(`gguf-${method}-${outType}.gguf`);
    await merge(parseRecipe(recipe(method, experts.map((e) => `${TOY}${e}`)), "hf.yaml"), { output: hf, threads: 0, outType: outType as "f32" });
    await merge(parseRecipe(recipe(method, experts.map((e) => path(`${e}.gguf`))), "gguf.yaml"), { output: gguf, threads: 0, outType: outType as "f32" });
    return [hf, gguf];
  }

  it.each([
    ["task_arithmetic", "f32"],
    ["task_arithmetic", "bf16"],
    ["task_arithmetic", "q8_0"],
  ])("%s at %s equals merging their converted GGUFs", async (method, outType) => {
    await expectSameGguf(...(await mergeBoth(method, outType)));
  });

  it("ties: equal except where equal magnitudes tie at the density threshold in permuted q/k rows", async () => {
    // TIES keeps the largest |task vector| values; bf16 weights repeat magnitudes, and which of
    // several equal values at the threshold survive depends on their position, which the q/k row
    // permutation changes. Everything else is identical.
    const [hf, gguf] = await mergeBoth("ties", "f32");
    await using x = await openGguf(hf);
    await using y = await openGguf(gguf);
    let differing = 0;
    let permuted = 0;
    for (const t of y.list()) {
      const [a, b] = [await x.readF32(t.name), await y.readF32(t.name)];
      const n = a.filter((v, i) => v !== b[i]).length;
      if (/attn_[qk]\.weight$/.test(t.name)) {
        differing += n;
        permuted += a.length;
      } else expect(n, t.name).toBe(0);
    }
    console.info(`ties: ${differing} of ${permuted} q/k values differ (threshold ties)`);
    expect(differing / permuted).toBeLessThan(1e-3);
  });

  it("loads in llama.cpp and is scored like the GGUF merge, on worker threads too", async () => {
    const out = path("threads.gguf");
    await merge(parseRecipe(recipe("task_arithmetic", experts.map((e) => `${TOY}${e}`)), "hf.yaml"), { output: out, threads: 2, outType: "f32" });
    await expectSameGguf(out, path("gguf-task_arithmetic-f32.gguf"));
    const backend = await createLlamaBackend({ threads: 1, kvCache: "F32", contextSize: 64 });
    try {
      const model = await backend.loadModel(out);
      const [r] = await model.loglikelihood([{ context: model.tokenize("max 3 9 4 ->"), continuation: model.tokenize(" 9") }]);
      expect(Number.isFinite(r.logprob)).toBe(true);
      await model.dispose();
    } finally {
      await backend.dispose();
    }
  });
});

describe("merging tiny HF checkpoints with tokenizers", () => {
  const shape = { dim: 32, layers: 2, heads: 4, kvHeads: 2, ffnDim: 64, contextLength: 128 };

  it.each([
    ["qwen2" as const, { ropeBase: 1000000 }, "qwen2"],
    ["llama" as const, { tieEmbeddings: true, ropeScaling: { type: "llama3" as const, factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalContextLength: 32 } }, "llama-bpe"],
  ])("%s: the HF merge written as GGUF equals merging the converted GGUFs", async (modelType, extra, flavour) => {
    const tok = buildBpeTokenizer(flavour as "qwen2", 60);
    const dirs: string[] = [];
    const converted: string[] = [];
    for (let i = 0; i < 3; i++) {
      const dir = path(`${modelType}-m${i}`);
      await writeTinyHfModel(dir, { modelType, config: { ...shape, ...extra, vocabSize: tok.size }, seed: 70 + i, tokenizer: tok.files, bosTokenId: tok.bosId, eosTokenId: tok.eosId });
      dirs.push(dir);
      converted.push(path(`${modelType}-m${i}.gguf`));
      await convertHfToGguf(dir, { output: converted[i], outType: "f32", name: "smelt merge" });
    }
    // The base (m0) loses its tokenizer: the merge must take it from tokenizer_source (m2).
    await rm(join(dirs[0], "tokenizer.json"));
    const template = "tokenizer_source: TOK\nchat_template: \"{% for m in messages %}{{ m.content }}{% endfor %}\"\n";
    const hf = path(`${modelType}-hf.gguf`);
    const gguf = path(`${modelType}-gguf.gguf`);
    await merge(parseRecipe(recipe("task_arithmetic", dirs, template.replace("TOK", dirs[2])), "hf.yaml"), { output: hf, threads: 0, outType: "f32" });
    await merge(parseRecipe(recipe("task_arithmetic", converted), "gguf.yaml"), { output: gguf, threads: 0, outType: "f32" });
    await using x = await openGguf(hf);
    expect(x.get("tokenizer.ggml.pre")?.value).toBe(flavour);
    expect(x.get("tokenizer.chat_template")?.value).toBe("{% for m in messages %}{{ m.content }}{% endfor %}");
    await using y = await openGguf(gguf);
    for (const t of y.list()) expect(Buffer.from((await x.readRaw(t.name)).bytes).equals(Buffer.from((await y.readRaw(t.name)).bytes)), t.name).toBe(true);
    expect(x.list().map((t) => t.name).sort()).toEqual(y.list().map((t) => t.name).sort());
    const meta = (g: typeof x) => g.metadata.filter((e) => e.key !== "tokenizer.chat_template").map((e) => [e.key, e.value]);
    expect(meta(x)).toEqual(meta(y));
  });

  it("refuses a GGUF output whose base is a bare .safetensors file, leaving nothing", async () => {
    for (const name of ["bare0", "bare1"]) await writeTinyHfModel(path(name), { modelType: "llama", config: { ...shape, vocabSize: 258 }, seed: 1 });
    const out = path("bare-out");
    await mkdir(out);
    const yaml = recipe("task_arithmetic", [join(path("bare0"), "model.safetensors"), join(path("bare1"), "model.safetensors")]);
    await expect(merge(parseRecipe(yaml, "bare.yaml"), { output: join(out, "m.gguf"), threads: 0 })).rejects.toThrow(/needs the base model .* as an HF folder/);
    expect(await readdir(out)).toEqual([]);
  });
});
