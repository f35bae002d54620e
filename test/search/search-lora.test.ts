/**
 * A real search over LoRA fine-tunes of one base, named `base+adapter` as mergekit writes them:
 * candidates merge the adapters on the fly, and each adapter's reference row is scored from its
 * base with the adapter applied (merged once into the run folder).
 */
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSearchSpace, search } from "../../src/search/index.js";
import { openRun, replayState } from "../../src/store/index.js";
import { openGguf } from "../../src/tensor/gguf/index.js";
import { openHfCheckpoint } from "../../src/tensor/safetensors/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { ALPHA, BASE, R, TARGETS, writeToyAdapter } from "../helpers/toy-lora.js";
import { toySpaceYaml } from "../helpers/toy-space.js";

const path = useTempDir("search-lora");
describe("a search over LoRA adapters of one base", () => {
  it("merges candidates from base+adapter inputs, scores each adapter's reference row from its base with the adapter applied", { timeout: 300_000 }, async () => {
    const lora = { a: await writeToyAdapter(path("lora-a"), 10), b: await writeToyAdapter(path("lora-b"), 20) };
    await writeFile(path("space.yaml"), toySpaceYaml({ models: [{ model: `${BASE}+${path("lora-a")}` }, { model: `${BASE}+${path("lora-b")}` }], base: BASE, budget: 2, seed: 1 }));
    const space = await loadSearchSpace(path("space.yaml"));
    // Named after their adapters, not after the base they share.
    expect(space.models.map((m) => m.name)).toEqual(["lora-a", "lora-b"]);

    const result = await search({ spacePath: path("space.yaml") }, { runsDir: path("runs"), runId: "lora", limit: 4, kvCache: "F32", evalThreads: 1, mergeThreads: 1 });
    expect(result.reason).toBe("budget");
    const state = replayState((await openRun(result.dir)).entries);
    expect(state.scored.size).toBe(2);
    expect(state.failed.size).toBe(0);
    expect(state.references.size).toBe(6); // base + 2 adapters, validation and test
    expect((await readdir(join(result.dir, "references"))).sort()).toEqual(["base-base-f16.gguf", "source-lora-a-f16.gguf", "source-lora-b-f16.gguf"]);

    // The adapter's reference is the base plus (alpha / r) * B @ A, computed here in float64, at f16.
    const hf = await openHfCheckpoint(BASE);
    const gguf = await openGguf(join(result.dir, "references", "source-lora-b-f16.gguf"));
    try {
      for (const [target, ggufName] of TARGETS) {
        const w = await hf.readF32(`${target}.weight`);
        const got = await gguf.readF32(ggufName);
        const { a, b, inp } = lora.b.get(target)!;
        let worst = 0;
        let moved = 0;
        for (let i = 0; i < w.length; i++) {
          const row = Math.floor(i / inp);
          const col = i % inp;
          let delta = 0;
          for (let k = 0; k < R; k++) delta += b[row * R + k] * a[k * inp + col];
          const want = w[i] + (ALPHA / R) * delta;
          worst = Math.max(worst, Math.abs(got[i] - want) / (Math.abs(want) + 1e-3));
          if (Math.abs(want - w[i]) > 1e-2) moved++;
        }
        expect(worst, target).toBeLessThan(2e-3);
        expect(moved, `${target}: the adapter changes the weights`).toBeGreaterThan(w.length / 4);
      }
      // An untargeted tensor is the base's.
      const norm = await hf.readF32("model.layers.1.mlp.up_proj.weight");
      const same = await gguf.readF32("blk.1.ffn_up.weight");
      let worst = 0;
      for (let i = 0; i < norm.length; i++) worst = Math.max(worst, Math.abs(same[i] - norm[i]) / (Math.abs(norm[i]) + 1e-3));
      expect(worst).toBeLessThan(2e-3);
    } finally {
      await hf.close();
      await gguf.close();
    }
  });
});
