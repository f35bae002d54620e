/** The task files shipped in evals/ must load with the library's own schema and data checks. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadTask } from "../../src/eval/load-task.js";
import { fewshotContext } from "../../src/eval/fewshot-context.js";

const evalsDir = path.resolve(import.meta.dirname, "../../evals");
const files = readdirSync(evalsDir).filter((f) => f.endsWith(".yaml"));

describe("evals/*.yaml", () => {
  it("has task files", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)("%s loads, with disjoint splits and renderable prompts", async (file) => {
    const task = await loadTask(path.join(evalsDir, file));
    for (const split of ["validation", "test"] as const) {
      for (const item of task.splits[split] ?? []) expect(typeof fewshotContext(task, item)).toBe("string");
    }
  });
});
