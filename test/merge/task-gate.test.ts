import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMergePool, merge, type MergePool } from "../../src/merge/index.js";
import { createTaskGate } from "../../src/merge/task-gate.js";
import { parseRecipe } from "../../src/recipe/index.js";
import { llamaShapes, randomModel, writeHfModel } from "./fixtures.js";

describe("createTaskGate", () => {
  it("lets `capacity` in at once and the others in the order they asked, as places are given back", async () => {
    const gate = createTaskGate(2);
    const order: number[] = [];
    const entered = [0, 1, 2, 3, 4].map((i) => gate.enter().then(() => order.push(i)));
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual([0, 1]);
    gate.leave();
    await entered[2];
    expect(order).toEqual([0, 1, 2]);
    gate.leave();
    gate.leave();
    await Promise.all(entered);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // Two still inside: two leave, a third leave has no matching enter.
    gate.leave();
    gate.leave();
    expect(() => gate.leave()).toThrow(/without a matching enter/);
    await gate.enter();
  });

  it("refuses a capacity below 1", () => {
    expect(() => createTaskGate(0)).toThrow(RangeError);
    expect(() => createTaskGate(1.5)).toThrow(RangeError);
  });
});

describe("the executor's gate", () => {
  it("keeps at most threads + 1 whole-output steps at the workers (the others have taken no buffers yet)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "smelt-gate-"));
    const real = createMergePool(1);
    try {
      // Many small tensors, merged in passes (ties): without the gate all would be launched at once.
      const shapes = llamaShapes(4, 16, 24, 32);
      for (const [m, seed] of [["base", 1], ["a", 2], ["b", 3]] as const) await writeHfModel(join(dir, m), randomModel(seed, shapes));
      let running = 0;
      let most = 0;
      let runs = 0;
      const pool: MergePool = {
        threads: real.threads,
        buffers: real.buffers,
        async run(task) {
          running++;
          runs++;
          most = Math.max(most, running);
          try {
            return await real.run(task);
          } finally {
            running--;
          }
        },
        dispose: () => real.dispose(),
        [Symbol.asyncDispose]: () => real.dispose(),
      };
      const yaml = "merge_method: ties\nbase_model: base\nmodels:\n  - model: a\n    parameters: {weight: 0.6, density: 0.5}\n  - model: b\n    parameters: {weight: 0.4, density: 0.5}\n";
      await merge(parseRecipe(yaml, "ties.yaml"), { output: join(dir, "out"), baseDir: dir, pool });
      expect(runs).toBe(shapes.length);
      expect(most).toBe(2);
    } finally {
      await real.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
