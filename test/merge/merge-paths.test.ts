import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMergePool, merge, type MergePool } from "../../src/merge/index.js";
import { getMergeMethod, tensorSeed, createRandom } from "../../src/methods/index.js";
import { parseRecipe } from "../../src/recipe/index.js";
import { encodeFloat, type FloatDType } from "../../src/tensor/index.js";
import { openHfCheckpoint } from "../../src/tensor/safetensors/index.js";
import { llamaShapes, randomModel, storedTensors, writeHfModel } from "./fixtures.js";

/**
 * End to end, the executor's fast paths (chunked merges, elementwise steps split between threads,
 * read-ahead bounded by the memory budget, shared buffers) against the straightforward
 * computation: each tensor's inputs read whole, the method's own `merge`, the result encoded.
 */

let dir: string;
// One pool of 2 worker threads for every threaded run (starting workers under tsx takes seconds).
let pool: MergePool;
// Odd sizes: 36-wide rows, a 47-wide MLP, a 301-entry vocabulary (so with two threads the
// embedding and output head of the single-task methods are heavy enough to start first), so
// chunks and parts end mid-row.
const shapes = llamaShapes(2, 36, 47, 301);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "smelt-merge-paths-"));
  await writeHfModel(join(dir, "base"), randomModel(11, shapes), "BF16");
  await writeHfModel(join(dir, "a"), randomModel(12, shapes), "BF16");
  await writeHfModel(join(dir, "b"), randomModel(13, shapes), "F16");
  await writeHfModel(join(dir, "c"), randomModel(14, shapes), "BF16");
  pool = createMergePool(2);
});
afterAll(async () => {
  await pool.dispose();
  await rm(dir, { recursive: true, force: true });
});

const recipes: Record<string, string> = {
  linear: "merge_method: linear\nmodels:\n  - model: base\n    parameters: {weight: 0.5}\n  - model: a\n    parameters: {weight: 0.3}\n  - model: b\n    parameters: {weight: 0.2}\n",
  task_arithmetic: "merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - model: a\n    parameters: {weight: 0.7}\n  - model: b\n    parameters: {weight: 0.5}\n",
  ties: "merge_method: ties\nbase_model: base\nmodels:\n  - model: a\n    parameters: {weight: 0.7, density: 0.4}\n  - model: b\n    parameters: {weight: 0.5, density: 0.6}\n",
  dare_ties: "merge_method: dare_ties\nbase_model: base\nseed: 3\nmodels:\n  - model: a\n    parameters: {weight: 0.7, density: 0.4}\n  - model: b\n    parameters: {weight: 0.5, density: 0.6}\n",
  slerp: "merge_method: slerp\nbase_model: base\nmodels:\n  - model: a\nparameters:\n  t: 0.4\n",
  // bf16 models only: linear and task arithmetic then run fused from bf16 to bf16 (FusedSum).
  linear_bf16: "merge_method: linear\nmodels:\n  - model: base\n    parameters: {weight: 0.5}\n  - model: a\n    parameters: {weight: 0.3}\n  - model: c\n    parameters: {weight: 0.2}\n",
  task_arithmetic_bf16: "merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - model: a\n    parameters: {weight: 0.7}\n  - model: c\n    parameters: {weight: -0.5}\n",
  // The fused sum's divisor and lambda (normalize, lambda != 1).
  task_arithmetic_bf16_normalized: "merge_method: task_arithmetic\nbase_model: base\nparameters: {normalize: true, lambda: 0.8}\nmodels:\n  - model: a\n    parameters: {weight: 0.7}\n  - model: c\n    parameters: {weight: 0.3}\n",
  della: "merge_method: della\nbase_model: base\nseed: 3\nmodels:\n  - model: a\n    parameters: {weight: 0.7, density: 0.5}\n  - model: b\n    parameters: {weight: 0.5, density: 0.5}\n",
};

/** Output bytes of each tensor, computed tensor by tensor with the method's own merge. */
async function straightforward(yaml: string, outDtype: FloatDType): Promise<Map<string, Buffer>> {
  const recipe = parseRecipe(yaml, "r.yaml");
  const method = getMergeMethod(recipe.merge_method!);
  const sources = new Map(await Promise.all(["base", "a", "b", "c"].map(async (m) => [m, await openHfCheckpoint(join(dir, m))] as const)));
  try {
    const out = new Map<string, Buffer>();
    const names = (recipe.models ?? []).map((m) => m.model).filter((m) => m !== recipe.base_model || method.base === "input");
    for (const { name, shape } of shapes) {
      const read = (m: string) => sources.get(m)!.readF32(name);
      const merged = method.merge({
        tensorName: name,
        shape,
        tensors: await Promise.all(names.map(read)),
        base: recipe.base_model && method.base !== "input" ? await read(recipe.base_model) : undefined,
        params: method.params.parse(recipe.parameters ?? {}),
        perModel: (recipe.models ?? []).filter((m) => names.includes(m.model)).map((m) => method.perModel.parse({ ...recipe.parameters, ...m.parameters })),
        random: createRandom(tensorSeed(recipe.seed ?? 0, name)),
      });
      out.set(name, Buffer.from(encodeFloat(outDtype, merged)));
    }
    return out;
  } finally {
    for (const s of sources.values()) await s.close();
  }
}

describe("merge: fast paths against the straightforward computation", () => {
  for (const [name, yaml] of Object.entries(recipes)) {
    it(`${name}: inline, inline in streamed parts, and on 2 threads with odd chunks, small parts and a tiny memory budget`, async () => {
      const want = await straightforward(`${yaml}dtype: bfloat16\n`, "BF16");
      const runs = [
        { threads: 0 },
        // Elementwise steps larger than a part stream their parts to the writer (part-stream.ts).
        { threads: 0, engine: { chunkElements: 32, splitElements: 96 } },
        { pool, engine: { chunkElements: 7, splitElements: 64, memoryBudget: 1 } },
        { pool, engine: { chunkElements: 32, splitElements: 32 * 5, memoryBudget: 20_000 } },
      ];
      for (const [i, options] of runs.entries()) {
        const out = join(dir, `${name}-${i}`);
        await merge(parseRecipe(`${yaml}dtype: bfloat16\n`, "r.yaml"), { output: out, baseDir: dir, ...options });
        const got = await storedTensors(out);
        expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [tensor, bytes] of want) expect(got.get(tensor)!.equals(bytes), `${name} run ${i}: ${tensor}`).toBe(true);
      }
    });
  }
});
