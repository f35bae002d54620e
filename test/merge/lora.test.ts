import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { merge } from "../../src/merge/index.js";
import { parseRecipe } from "../../src/recipe/index.js";
import { openHfCheckpoint, writeSafetensors } from "../../src/tensor/safetensors/index.js";
import { randomModel, randomValues, writeHfModel, type TensorMap } from "./fixtures.js";

let dir: string;
let base: TensorMap;
const R = 4;
const ALPHA = 8;
const TARGETS = ["model.layers.0.self_attn.q_proj", "model.layers.1.mlp.down_proj"];
const adapter = new Map<string, { a: Float32Array; b: Float32Array; aShape: number[]; bShape: number[] }>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "smelt-lora-"));
  base = randomModel(11);
  await writeHfModel(join(dir, "base"), base);
  const tensors = [];
  let seed = 100;
  for (const target of TARGETS) {
    const [out, inp] = base.get(`${target}.weight`)!.shape;
    const a = randomValues(R * inp, seed++, 0.3);
    const b = randomValues(out * R, seed++, 0.3);
    adapter.set(target, { a, b, aShape: [R, inp], bShape: [out, R] });
    tensors.push(
      { name: `base_model.model.${target}.lora_A.weight`, dtype: "F32" as const, shape: [R, inp], data: a },
      { name: `base_model.model.${target}.lora_B.weight`, dtype: "F32" as const, shape: [out, R], data: b },
    );
  }
  await mkdir(join(dir, "adapter"));
  await writeSafetensors(join(dir, "adapter", "adapter_model.safetensors"), tensors);
  await writeFile(join(dir, "adapter", "adapter_config.json"), JSON.stringify({ peft_type: "LORA", r: R, lora_alpha: ALPHA, target_modules: ["q_proj", "down_proj"] }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("base+adapter inputs", () => {
  it("equal W + (alpha/r)·B·A computed independently in float64", async () => {
    const recipe = parseRecipe("merge_method: linear\nmodels:\n  - model: base+adapter\n    parameters: {weight: 1.0}\ndtype: float32\n", "lora.yaml");
    await merge(recipe, { output: join(dir, "out"), baseDir: dir, threads: 0 });
    const out = await openHfCheckpoint(join(dir, "out"));
    try {
      for (const [name, t] of base) {
        const got = await out.readF32(name);
        const target = TARGETS.find((x) => `${x}.weight` === name);
        if (!target) {
          expect(got).toEqual(t.data);
          continue;
        }
        const { a, b } = adapter.get(target)!;
        const [rows, cols] = t.shape;
        let maxErr = 0;
        let maxDelta = 0;
        for (let o = 0; o < rows; o++) {
          for (let i = 0; i < cols; i++) {
            let d = 0;
            for (let k = 0; k < R; k++) d += b[o * R + k] * a[k * cols + i];
            const expected = t.data[o * cols + i] + (ALPHA / R) * d;
            maxErr = Math.max(maxErr, Math.abs(got[o * cols + i] - expected));
            maxDelta = Math.max(maxDelta, Math.abs((ALPHA / R) * d));
          }
        }
        expect(maxDelta).toBeGreaterThan(0.05); // the adapter really changes this tensor
        expect(maxErr).toBeLessThan(1e-6);
      }
    } finally {
      await out.close();
    }
  });

  it("refuses an adapter that targets tensors the base does not have", async () => {
    await mkdir(join(dir, "bad-adapter"));
    await writeSafetensors(join(dir, "bad-adapter", "adapter_model.safetensors"), [
      { name: "base_model.model.model.layers.9.self_attn.q_proj.lora_A.weight", dtype: "F32", shape: [R, 8], data: new Float32Array(R * 8) },
      { name: "base_model.model.model.layers.9.self_attn.q_proj.lora_B.weight", dtype: "F32", shape: [8, R], data: new Float32Array(R * 8) },
    ]);
    await writeFile(join(dir, "bad-adapter", "adapter_config.json"), JSON.stringify({ r: R, lora_alpha: ALPHA }));
    const recipe = parseRecipe("merge_method: linear\nmodels:\n  - model: base+bad-adapter\n    parameters: {weight: 1.0}\n", "lora.yaml");
    await expect(merge(recipe, { output: join(dir, "out-bad"), baseDir: dir, threads: 0 })).rejects.toThrow(/targets "model\.layers\.9\.self_attn\.q_proj\.weight", which base model/);
  });
});
