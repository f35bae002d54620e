/**
 * The evaluator end to end on the real llama.cpp backend and a tiny random llama written by smelt,
 * checked against the float64 reference (F32 KV cache: agreement to ~1e-5, FIELD-NOTES §4).
 */
import { writeFile } from "node:fs/promises";
import yargs from "yargs";
import { makeEvalCommand } from "../../src/cli/eval-command.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BYTE_BOS_ID, byteTokenize } from "../../src/arch/byte-tokenizer.js";
import { createLlamaReference, type LlamaReference } from "../../src/arch/llama-reference.js";
import { referenceLoglikelihood } from "../../src/arch/llama-reference-tasks.js";
import type { EvalBackend, GenerateRequest, LoadedModel } from "../../src/eval/backend.js";
import type { EvalResult } from "../../src/eval/eval-result.js";
import { rollingRequests } from "../../src/eval/build-requests.js";
import { evaluate } from "../../src/eval/evaluate.js";
import { createLlamaBackend } from "../../src/eval/llama-backend.js";
import { loadTask } from "../../src/eval/load-task.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinyLlamaGguf } from "../helpers/tiny-llama.js";
import { jsonl } from "./temp-task.js";

const path = useTempDir("evaluate-llama");
const CONTEXT = 128;
let ref: LlamaReference;
let backend: EvalBackend;
let model: LoadedModel;

const mcDocs = [
  { q: "2+2", choices: ["4", "five", "22"], gold: 0 },
  { q: "capital of France", choices: ["Paris", "Rome", "a"], gold: 1 },
  { q: "sky", choices: ["blue", "green", "wet rock"], gold: 2 },
  { q: "zz", choices: ["x", "yy", "zzz"], gold: 0 },
  { q: "é?", choices: ["oui", "non", "peut-être"], gold: 1 },
];

async function writeTask(name: string, yaml: string, docs: readonly unknown[]): Promise<string> {
  await writeFile(path(`${name}.jsonl`), jsonl(docs));
  const file = path(`${name}.yaml`);
  await writeFile(file, `task: ${name}\ndataset_path: json\ndataset_kwargs:\n  data_files:\n    test: ${name}.jsonl\ntest_split: test\n${yaml}`);
  return file;
}

const refLl = (context: string, continuation: number[]) => referenceLoglikelihood(ref, [BYTE_BOS_ID, ...byteTokenize(context)], continuation).logprob;

beforeAll(async () => {
  const tiny = await writeTinyLlamaGguf(path("tiny.gguf"), { seed: 5 });
  ref = createLlamaReference(tiny.config, tiny.weights);
  backend = await createLlamaBackend({ threads: 1, kvCache: "F32", sequences: 2, contextSize: CONTEXT });
  model = await backend.loadModel(path("tiny.gguf"));
});
afterAll(async () => {
  await backend?.dispose();
});

describe("evaluate on llama.cpp", () => {
  it("multiple_choice: acc and acc_norm agree with the float64 reference item by item", async () => {
    const file = await writeTask("mc", 'output_type: multiple_choice\ndoc_to_text: "Q: {{ q }}\\nA:"\ndoc_to_choice: choices\ndoc_to_target: gold\n', mcDocs);
    const result = await evaluate(model, [await loadTask(file)], { backendOptions: { threads: 1, kvCache: "F32" } });
    const task = result.tasks[0];
    expect(task).toMatchObject({ items: 5, failed: 0 });
    expect(result.settings.kvCache).toBe("F32");
    let checked = 0;
    mcDocs.forEach((doc, i) => {
      const lls = doc.choices.map((c) => refLl(`Q: ${doc.q}\nA:`, byteTokenize(` ${c}`)));
      const normed = lls.map((ll, j) => ll / doc.choices[j].length);
      const sorted = [...lls].sort((a, b) => b - a);
      const sortedNorm = [...normed].sort((a, b) => b - a);
      // Compare only where the reference's decision is not a near-tie (llama.cpp agrees to ~1e-5).
      if (sorted[0] - sorted[1] > 1e-3) {
        expect(task.perItem[i].scores.acc).toBe(lls.indexOf(sorted[0]) === doc.gold ? 1 : 0);
        checked++;
      }
      if (sortedNorm[0] - sortedNorm[1] > 1e-3) {
        expect(task.perItem[i].scores.acc_norm).toBe(normed.indexOf(sortedNorm[0]) === doc.gold ? 1 : 0);
        checked++;
      }
    });
    expect(checked).toBeGreaterThanOrEqual(8);
    expect(task.tokensPerSecond).toBeGreaterThan(0);
  });

  it("loglikelihood_rolling: bits_per_byte matches the reference over windows longer than the context", async () => {
    const texts = ["a short line of text", "The quick brown fox jumps over the lazy dog. ".repeat(7)];
    const file = await writeTask("text", "output_type: loglikelihood_rolling\ndoc_to_target: text\n", texts.map((text) => ({ text })));
    const result = await evaluate(model, [await loadTask(file)], { bootstrapIters: 50 });
    expect(result.tasks[0]).toMatchObject({ items: 2, failed: 0 });
    let ll = 0;
    for (const text of texts) {
      for (const w of rollingRequests(byteTokenize(text), CONTEXT - 2)) ll += referenceLoglikelihood(ref, [BYTE_BOS_ID, ...w.context], w.continuation).logprob;
    }
    const bytes = texts.reduce((s, t) => s + Buffer.byteLength(t), 0);
    const bpb = result.tasks[0].metrics.find((m) => m.metric === "bits_per_byte")!;
    expect(bpb.value).toBeCloseTo(-ll / bytes / Math.LN2, 3);
    expect(result.tasks[0].perItem[1].scores.loglikelihood).toBeLessThan(result.tasks[0].perItem[0].scores.loglikelihood);
  });

  it("generate_until: greedy, deterministic, scored with filters against targets", async () => {
    const prompts = ["1+1=", "hello", "abc", "Q: 7\nA:"];
    const yaml = 'output_type: generate_until\ndoc_to_text: p\ndoc_to_target: t\ngeneration_kwargs:\n  until: ["\\n"]\n  max_gen_toks: 6\n';
    // First pass: learn what the model generates (targets that cannot match).
    const seen: string[] = [];
    const recording: LoadedModel = Object.create(model, {
      generate: {
        value: async (requests: readonly GenerateRequest[]) => {
          const out = await model.generate(requests);
          seen.push(...out);
          return out;
        },
      },
    });
    const first = await evaluate(recording, [await loadTask(await writeTask("gen1", yaml, prompts.map((p) => ({ p, t: "\u0000never" }))))]);
    expect(first.tasks[0]).toMatchObject({ items: 4, failed: 0 });
    expect(seen).toHaveLength(4);
    // Second pass: items 0 and 2 expect exactly what greedy decoding produced; 1 and 3 expect something else.
    const docs = prompts.map((p, i) => ({ p, t: i % 2 === 0 ? seen[i].split("\n")[0] : `${seen[i]}#` }));
    const second = await evaluate(model, [await loadTask(await writeTask("gen2", yaml, docs))]);
    expect(second.tasks[0].perItem.map((r) => r.scores["exact_match,none"])).toEqual([1, 0, 1, 0]);
    expect(second.tasks[0].metrics[0]).toMatchObject({ metric: "exact_match", value: 0.5 });
  });

  it("smelt eval --json runs the default llama backend end to end", async () => {
    const file = await writeTask("cli", 'output_type: multiple_choice\ndoc_to_text: "Q: {{ q }}\\nA:"\ndoc_to_choice: choices\ndoc_to_target: gold\n', mcDocs);
    const chunks: string[] = [];
    const stdout = { write: (text: string) => chunks.push(text) };
    const stderr = { write: () => true, isTTY: false };
    const argv = ["eval", path("tiny.gguf"), "--tasks", file, "--json", "--kv-cache", "f32", "--context-size", String(CONTEXT)];
    await yargs(argv).command(makeEvalCommand({ stdout, stderr })).strict().exitProcess(false).parseAsync();
    const result = JSON.parse(chunks.join("")) as EvalResult;
    const direct = await evaluate(model, [await loadTask(file)]);
    expect(result.settings).toMatchObject({ kvCache: "F32", threads: 1, contextSize: CONTEXT });
    expect(result.tasks[0].perItem.map((r) => r.scores)).toEqual(direct.tasks[0].perItem.map((r) => r.scores));
  });
});
