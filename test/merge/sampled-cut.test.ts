import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMergePool, merge, type MergePool } from "../../src/merge/index.js";
import { createRandom, getMergeMethod, tensorSeed } from "../../src/methods/index.js";
import { parseRecipe } from "../../src/recipe/index.js";
import { encodeFloat, type FloatDType } from "../../src/tensor/index.js";
import { openHfCheckpoint } from "../../src/tensor/safetensors/index.js";
import { llamaShapes, randomValues, storedTensors, writeHfModel } from "./fixtures.js";

/**
 * The one-pass magnitude trim (sampled brackets, combine-in-brackets.ts) through the executor:
 * tensors large enough to be sampled, read from files in pieces, the output patched in place, as
 * F32, F16 and BF16, against each tensor merged whole by the method's own `merge`; and a task
 * vector of zeros, which it leaves to the exact passes. Counts how
 * often the inline runs took the one pass (a wrapper around the real function).
 */

const calls = vi.hoisted(() => ({ onePass: 0, missed: 0 }));
vi.mock("../../src/methods/combine-in-brackets.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/methods/combine-in-brackets.js")>();
  return {
    ...real,
    combineInBrackets: (...args: Parameters<typeof real.combineInBrackets>) => {
      const done = real.combineInBrackets(...args);
      calls[done ? "onePass" : "missed"]++;
      return done;
    },
  };
});

let dir: string;
let pool: MergePool;
// Every tensor but the norms holds at least 2^18 elements (SAMPLING.minLength): 512-wide rows.
const shapes = llamaShapes(1, 512, 600, 520);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "smelt-sampled-cut-"));
  // Fine-tunes of one base: small deltas whose scale changes from row to row, so the sampled
  // pieces disagree and the brackets must be wide enough for it.
  const model = (seed: number, scale: number) =>
    new Map(
      shapes.map(({ name, shape }, i) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const base = randomValues(n, 1000 + i, 0.5);
        if (scale === 0) return [name, { shape, data: base }];
        const delta = randomValues(n, seed * 1000 + i, scale);
        const row = shape.at(-1)!;
        return [name, { shape, data: base.map((v, j) => v + delta[j] * (1 + 0.1 * (Math.floor(j / row) % 7))) }];
      }),
    );
  // Stored as float32: as bf16, deltas of a few of the base's ulps take a handful of values, and
  // ties at the cut then fill the brackets (the exact passes' case, tested below with zeros).
  await writeHfModel(join(dir, "base"), model(0, 0), "F32");
  await writeHfModel(join(dir, "a"), model(1, 0.01), "F32");
  await writeHfModel(join(dir, "b"), model(2, 0.02), "F32");
  await writeHfModel(join(dir, "c"), model(3, 0.005), "F16");
  // A fine-tune that left everything as it was (as a LoRA adapter leaves its untargeted modules).
  await writeHfModel(join(dir, "same"), model(0, 0), "F32");
  pool = createMergePool(2);
});
afterAll(async () => {
  await pool.dispose();
  await rm(dir, { recursive: true, force: true });
});

const recipe = (outDtype: string, models = ["a", "b", "c"]) =>
  "merge_method: ties\nbase_model: base\nmodels:\n" +
  models.map((m, i) => `  - model: ${m}\n    parameters: {weight: ${[0.7, 0.5, 0.4][i]}, density: ${[0.3, 0.6, 1][i]}}\n`).join("") +
  `dtype: float32\nout_dtype: ${outDtype}\n`;

async function straightforward(yaml: string, outDtype: FloatDType, models = ["a", "b", "c"]): Promise<Map<string, Buffer>> {
  const r = parseRecipe(yaml, "r.yaml");
  const method = getMergeMethod("ties");
  const sources = new Map(await Promise.all(["base", ...models].map(async (m) => [m, await openHfCheckpoint(join(dir, m))] as const)));
  try {
    const out = new Map<string, Buffer>();
    for (const { name, shape } of shapes) {
      const read = (m: string) => sources.get(m)!.readF32(name);
      const merged = method.merge({
        tensorName: name,
        shape,
        tensors: await Promise.all(models.map(read)),
        base: await read("base"),
        params: method.params.parse(r.parameters ?? {}),
        perModel: r.models!.filter((m) => m.model !== "base").map((m) => method.perModel.parse({ ...m.parameters })),
        random: createRandom(tensorSeed(0, name)),
      });
      out.set(name, Buffer.from(encodeFloat(outDtype, merged)));
    }
    return out;
  } finally {
    for (const s of sources.values()) await s.close();
  }
}

describe("ties on tensors large enough to sample: one pass over the inputs", () => {
  it("leaves a task vector of zeros (every |d| at the cut) to the exact passes, and gives the whole-tensor merge's bytes", async () => {
    const models = ["a", "same"];
    const yaml = recipe("bfloat16", models);
    const want = await straightforward(yaml, "BF16", models);
    const before = { ...calls };
    const out = join(dir, "with-zeros");
    await merge(parseRecipe(yaml, "r.yaml"), { output: out, baseDir: dir, threads: 0 });
    const got = await storedTensors(out);
    for (const [tensor, bytes] of want) expect(got.get(tensor)!.equals(bytes), tensor).toBe(true);
    // Its bracket holds the whole sample: gathering would hold the whole tensor, so no one pass is tried.
    expect(calls.onePass - before.onePass).toBe(0);
    expect(calls.missed - before.missed).toBe(0);
  });

  for (const [outDtype, dtype] of [["bfloat16", "BF16"], ["float16", "F16"], ["float32", "F32"]] as const) {
    it(`gives the whole-tensor merge's ${dtype} bytes, inline and on 2 threads`, async () => {
      const yaml = recipe(outDtype);
      const want = await straightforward(yaml, dtype);
      const before = { ...calls };
      for (const [i, options] of [{ threads: 0 }, { pool }].entries()) {
        const out = join(dir, `${outDtype}-${i}`);
        await merge(parseRecipe(yaml, "r.yaml"), { output: out, baseDir: dir, ...options });
        const got = await storedTensors(out);
        expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [tensor, bytes] of want) expect(got.get(tensor)!.equals(bytes), `run ${i}: ${tensor}`).toBe(true);
      }
      // Inline, every large tensor took the one pass (two trimmed models, one kept whole).
      const large = shapes.filter((s) => s.shape.reduce((a, b) => a * b, 1) >= 1 << 18).length;
      expect(large).toBeGreaterThanOrEqual(8);
      expect(calls.onePass - before.onePass).toBe(large);
      expect(calls.missed - before.missed).toBe(0);
    });
  }
});
