import path from "node:path";
import { describe, expect, it } from "vitest";
import { fewshotContext, pickFewshot } from "../../src/eval/fewshot-context.js";
import { loadTask, type LoadedTask } from "../../src/eval/load-task.js";
import { genYaml, jsonl, writeTaskDir } from "./temp-task.js";

const pool = Array.from({ length: 20 }, (_, i) => ({ q: `q${i}`, a: `a${i}` }));

async function taskWith(extra: string, fewshotDocs = pool): Promise<LoadedTask> {
  const dir = writeTaskDir({
    "task.yaml": genYaml(`${extra}\nfewshot_split: train`).replace("    test: test.jsonl", "    test: test.jsonl\n    train: train.jsonl"),
    "val.jsonl": jsonl([{ q: "v", a: "v" }]),
    "test.jsonl": jsonl([pool[3], { q: "t1", a: "b1" }, { q: "t2", a: "b2" }]),
    "train.jsonl": jsonl(fewshotDocs),
  });
  return loadTask(path.join(dir, "task.yaml"));
}

describe("few-shot contexts", () => {
  it("joins examples as doc_to_text + target_delimiter + target, then fewshot_delimiter, then the item", async () => {
    const task = await taskWith('num_fewshot: 2\nfewshot_config:\n  sampler: first_n\ndescription: "Answer.\\n\\n"');
    expect(fewshotContext(task, task.splits.test![1])).toBe("Answer.\n\nQ: q0\nA: a0\n\nQ: q1\nA: a1\n\nQ: t1\nA:");
  });

  it("never shows the item itself as an example", async () => {
    const task = await taskWith("num_fewshot: 19");
    const item = task.splits.test![0]; // identical to train document 3
    const picked = pickFewshot(task, item);
    expect(picked).toHaveLength(19);
    expect(picked.map((d) => d.doc.q)).not.toContain("q3");
    const firstN = await taskWith("num_fewshot: 4\nfewshot_config:\n  sampler: first_n");
    expect(pickFewshot(firstN, firstN.splits.test![0]).map((d) => d.doc.q)).toEqual(["q0", "q1", "q2", "q4"]);
  });

  it("is deterministic for a seed, differs across seeds, and does not depend on item order", async () => {
    const a = await taskWith("num_fewshot: 3");
    const b = await taskWith("num_fewshot: 3");
    const other = await taskWith("num_fewshot: 3\nfewshot_config:\n  seed: 99");
    const contexts = (t: LoadedTask) => t.splits.test!.map((item) => fewshotContext(t, item));
    expect(contexts(a)).toEqual(contexts(b));
    expect(contexts(other)).not.toEqual(contexts(a));
    // Asking for the last item alone gives the same examples as in the full pass.
    expect(fewshotContext(a, a.splits.test![2])).toBe(contexts(a)[2]);
    // Different items draw different examples (20 choose 3 makes a clash very unlikely).
    expect(new Set(a.splits.test!.map((item) => pickFewshot(a, item).map((d) => d.doc.q).join())).size).toBe(3);
  });

  it("samples uniformly: every pool document shows up across many items", async () => {
    const task = await taskWith("num_fewshot: 2");
    const seen = new Set<unknown>();
    for (let i = 0; i < 200; i++) {
      const item = { index: i, doc: { q: `x${i}`, a: "" }, hash: `${i.toString(16).padStart(8, "0")}${"0".repeat(56)}`, file: "x.jsonl", line: i + 1 };
      for (const d of pickFewshot(task, item)) seen.add(d.doc.q);
    }
    expect(seen.size).toBe(20);
  });
});
