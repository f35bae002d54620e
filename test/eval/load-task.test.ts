import path from "node:path";
import { describe, expect, it } from "vitest";
import { RecipeError } from "../../src/errors.js";
import { itemHash } from "../../src/eval/item-hash.js";
import { loadTask } from "../../src/eval/load-task.js";
import { genYaml, jsonl, writeTaskDir } from "./temp-task.js";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/eval");

async function loadError(file: string): Promise<RecipeError> {
  const error = await loadTask(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RecipeError);
  return error as RecipeError;
}

describe("loadTask", () => {
  it("loads splits relative to the YAML, with hashes and line numbers", async () => {
    const task = await loadTask(path.join(fixtures, "mc.yaml"));
    expect(task.name).toBe("mini_mc");
    expect(task.version).toBe(1);
    expect(task.splits.test).toHaveLength(3);
    expect(task.splits.validation).toHaveLength(2);
    const first = task.splits.test![0];
    expect(first).toMatchObject({ index: 0, line: 1 });
    expect(first.hash).toBe(itemHash({ question: "Which animal is largest?", choices: ["cat", "elephant"], answer: 1 }));
    expect(task.fewshot).toBeUndefined();
  });

  it("names the YAML and the data file when a file is missing", async () => {
    const dir = writeTaskDir({ "task.yaml": genYaml(), "val.jsonl": jsonl([{ q: "1", a: "1" }]) });
    const error = await loadError(path.join(dir, "task.yaml"));
    expect(error.source).toBe(path.join(dir, "task.yaml"));
    expect(error.message).toContain(`${path.join(dir, "test.jsonl")} for split "test" does not exist`);
    expect(error.issues[0].path).toEqual(["dataset_kwargs", "data_files", "test"]);
  });

  it("names the file and line of a malformed JSONL line", async () => {
    const dir = writeTaskDir({
      "task.yaml": genYaml(),
      "val.jsonl": jsonl([{ q: "1", a: "1" }]),
      "test.jsonl": '{"q": "2", "a": "2"}\n\n{"q": "3", "a": \n',
    });
    const error = await loadError(path.join(dir, "task.yaml"));
    expect(error.message).toContain(`${path.join(dir, "test.jsonl")}:3: malformed JSON line`);
  });

  it("refuses lines that are not objects and empty splits", async () => {
    const notObject = writeTaskDir({ "task.yaml": genYaml(), "val.jsonl": "[1, 2]\n", "test.jsonl": jsonl([{ q: "1", a: "1" }]) });
    expect((await loadError(path.join(notObject, "task.yaml"))).message).toContain("val.jsonl:1: each line must be a JSON object, got an array");
    const empty = writeTaskDir({ "task.yaml": genYaml(), "val.jsonl": jsonl([{ q: "1", a: "1" }]), "test.jsonl": "\n\n" });
    expect((await loadError(path.join(empty, "task.yaml"))).message).toContain('split "test" is empty');
  });

  it("refuses overlapping validation and test splits, counting the overlap and showing an example", async () => {
    const shared = { q: "same", a: "x" };
    const dir = writeTaskDir({
      "task.yaml": genYaml(),
      "val.jsonl": jsonl([{ q: "v1", a: "1" }, shared, { a: "y", q: "same2" }]),
      // Same documents with keys in another order still count as the same item.
      "test.jsonl": jsonl([{ q: "t1", a: "1" }, { a: "x", q: "same" }, { q: "same2", a: "y" }, { q: "t2", a: "2" }]),
    });
    const error = await loadError(path.join(dir, "task.yaml"));
    expect(error.message).toContain("share 2 of 4 test items");
    expect(error.message).toContain('test.jsonl line 2: {"a":"x","q":"same"}');
  });

  it("refuses a missing task file and templates that do not compile", async () => {
    expect((await loadError("/nonexistent/task.yaml")).message).toContain("task file does not exist");
    const dir = writeTaskDir({
      "task.yaml": genYaml().replace('"Q: {{ q }}\\nA:"', '"Q: {{ q "'),
      "val.jsonl": jsonl([{ q: "1", a: "1" }]),
      "test.jsonl": jsonl([{ q: "2", a: "2" }]),
    });
    const error = await loadError(path.join(dir, "task.yaml"));
    expect(error.issues[0]).toMatchObject({ path: ["doc_to_text"], message: expect.stringContaining("template syntax") });
  });

  it("needs enough few-shot documents", async () => {
    const dir = writeTaskDir({
      "task.yaml": genYaml("num_fewshot: 3"),
      "val.jsonl": jsonl([{ q: "1", a: "1" }]),
      "test.jsonl": jsonl([{ q: "2", a: "2" }]),
    });
    const error = await loadError(path.join(dir, "task.yaml"));
    expect(error.message).toContain('num_fewshot is 3 but few-shot split "validation" has only 1 documents');
  });
});
