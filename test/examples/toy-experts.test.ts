/**
 * The committed toy experts through smelt's own path: the HF folders convert to GGUFs identical to
 * the committed ones, and smelt's evaluator (llama.cpp, F32 KV cache) gets exactly the items right
 * that the training script recorded in examples/toy/scores.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertHfToGguf } from "../../src/convert/index.js";
import { createLlamaBackend, evaluate, loadTask, type EvalBackend } from "../../src/eval/index.js";
import { useTempDir } from "../helpers/temp-dir.js";

const TOY = fileURLToPath(new URL("../../examples/toy/", import.meta.url));
const EVALS = fileURLToPath(new URL("../../evals/", import.meta.url));
type Scores = Record<string, Record<string, Record<string, { accuracy: number; correct: number[] }>>>;
const scores = JSON.parse(readFileSync(`${TOY}scores.json`, "utf8")) as Scores;
const models = Object.keys(scores).filter((m) => !m.includes(":"));
const path = useTempDir("toy-experts");

describe("toy experts", () => {
  it.each(models)("%s: converting the HF folder reproduces the committed GGUF byte for byte", async (model) => {
    await convertHfToGguf(`${TOY}${model}`, { output: path(`${model}.gguf`), outType: "f16", name: model });
    const committed = await readFile(`${TOY}${model}.gguf`);
    const converted = await readFile(path(`${model}.gguf`));
    expect(Buffer.compare(converted, committed)).toBe(0);
  });

  describe("smelt eval agrees item by item with the training script (F32 KV cache)", () => {
    let backend: EvalBackend;
    beforeAll(async () => {
      backend = await createLlamaBackend({ threads: 1, kvCache: "F32" });
    });
    afterAll(async () => {
      await backend.dispose();
    });
    for (const model of models) {
      it(model, async () => {
        const skills = Object.keys(scores[model]);
        const tasks = await Promise.all(skills.map((s) => loadTask(`${EVALS}toy-${s}.yaml`)));
        expect(existsSync(`${TOY}${model}.gguf`)).toBe(true);
        const loaded = await backend.loadModel(`${TOY}${model}.gguf`);
        try {
          const result = await evaluate(loaded, tasks, { split: "test", backendOptions: { threads: 1, kvCache: "F32" } });
          skills.forEach((skill, i) => {
            const task = result.tasks[i];
            const correct = task.perItem.filter((r) => Object.values(r.scores)[0] === 1).map((r) => r.index);
            expect(task.failed).toBe(0);
            expect({ skill, correct }).toEqual({ skill, correct: scores[model][skill].test.correct });
          });
        } finally {
          await loaded.dispose();
        }
      });
    }
  });

  it("with llama.cpp's default F16 KV cache, differs from the training script by at most a few items per task", async () => {
    const backend = await createLlamaBackend({ threads: 1, kvCache: "F16" });
    try {
      for (const model of models) {
        const skills = Object.keys(scores[model]);
        const tasks = await Promise.all(skills.map((s) => loadTask(`${EVALS}toy-${s}.yaml`)));
        const loaded = await backend.loadModel(`${TOY}${model}.gguf`);
        try {
          const result = await evaluate(loaded, tasks, { split: "test" });
          skills.forEach((skill, i) => {
            const want = new Set(scores[model][skill].test.correct);
            const got = new Set(result.tasks[i].perItem.filter((r) => Object.values(r.scores)[0] === 1).map((r) => r.index));
            const differing = [...want].filter((x) => !got.has(x)).length + [...got].filter((x) => !want.has(x)).length;
            expect(differing, `${model} on ${skill}`).toBeLessThanOrEqual(5);
          });
        } finally {
          await loaded.dispose();
        }
      }
    } finally {
      await backend.dispose();
    }
  });
});
