import path from "node:path";
import { describe, expect, it } from "vitest";
import { RecipeError } from "../../src/errors.js";
import type { EvalEvent, EvalResult, MetricResult } from "../../src/eval/eval-result.js";
import { evaluate, evaluateIter } from "../../src/eval/evaluate.js";
import { loadTask } from "../../src/eval/load-task.js";
import { fakeModel } from "./fake-model.js";
import { genYaml, jsonl, writeTaskDir } from "./temp-task.js";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/eval");

/** Scripted log-probs for test/fixtures/eval/mc-test.jsonl, keyed by continuation text. */
const MC_LOGPROBS: Record<string, number> = { " cat": -3, " elephant": -4, " red": -1, " blue": -2, " yes": -2, " no": -1.4 };

async function collect(generator: AsyncGenerator<EvalEvent, EvalResult>): Promise<{ events: EvalEvent[]; result: EvalResult }> {
  const events: EvalEvent[] = [];
  for (;;) {
    const step = await generator.next();
    if (step.done) return { events, result: step.value };
    events.push(step.value);
  }
}

function metric(result: EvalResult, name: string, filter = "none"): MetricResult {
  const found = result.tasks[0].metrics.find((m) => m.metric === name && m.filter === filter);
  if (!found) throw new Error(`no metric ${name},${filter}`);
  return found;
}

describe("evaluate: multiple_choice", () => {
  it("computes acc and acc_norm as lm-eval does on a hand-checked set", async () => {
    const task = await loadTask(path.join(fixtures, "mc.yaml"));
    const model = fakeModel({ score: (_context, continuation) => MC_LOGPROBS[continuation] });
    const result = await evaluate(model, [task]);
    // acc: argmax of summed log-prob -> cat (wrong), red (right), no (right) = 2/3.
    // acc_norm: divided by the choice's characters (delimiter excluded): elephant -0.5 > cat -1
    // (right), red -0.33 > blue -0.5 (right), yes -0.667 > no -0.7 (wrong) = 2/3, on other items.
    // Dividing by the continuation " no" (3 chars) instead would have picked "no".
    expect(result.tasks[0].perItem.map((r) => [r.scores.acc, r.scores.acc_norm])).toEqual([
      [0, 1],
      [1, 1],
      [1, 0],
    ]);
    // Stderr: sample stddev of (0,1,1) is sqrt(1/3); / sqrt(3) = 1/3.
    expect(metric(result, "acc")).toMatchObject({ value: 2 / 3, stderrMethod: "sample", higherIsBetter: true });
    expect(metric(result, "acc").stderr).toBeCloseTo(1 / 3, 12);
    expect(metric(result, "acc_norm").value).toBeCloseTo(2 / 3, 12);
    expect(result.tasks[0]).toMatchObject({ items: 3, failed: 0, total: 3, split: "test", version: 1 });
  });

  it("sends one request per choice with context = doc_to_text and continuation = delimiter + choice", async () => {
    const task = await loadTask(path.join(fixtures, "mc.yaml"));
    const model = fakeModel({ score: (_c, continuation) => MC_LOGPROBS[continuation] });
    await evaluate(model, [task], { limit: 1 });
    const requests = model.loglikelihoodCalls.flat();
    expect(requests.map((r) => [model.detokenize(r.context), model.detokenize(r.continuation)])).toEqual([
      ["Q: Which animal is largest?\nA:", " cat"],
      ["Q: Which animal is largest?\nA:", " elephant"],
    ]);
  });

  it("scores the validation split when asked and records the settings", async () => {
    const task = await loadTask(path.join(fixtures, "mc.yaml"));
    const model = fakeModel({ score: (_c, continuation) => (continuation === " apple" || continuation === " ice" ? -1 : -5) });
    const result = await evaluate(model, [task], { split: "validation", backendOptions: { threads: 1, kvCache: "F32", sequences: 2 } });
    expect(metric(result, "acc").value).toBe(1);
    expect(metric(result, "acc").stderr).toBe(0);
    expect(result.settings).toMatchObject({ split: "validation", kvCache: "F32", threads: 1, sequences: 2, contextSize: 4096 });
  });
});

describe("evaluate: generate_until", () => {
  it("applies each filter pipeline and scores exact_match per filter", async () => {
    const task = await loadTask(path.join(fixtures, "gen.yaml"));
    // Responses per test item (a+b): regex pulls the first number; strip+lowercase keeps the text.
    const responses: Record<string, string> = { "2+2=": " 4", "5+1=": "The answer is 6", "7+2=": "nine", "1+0=": "1\n2+2=4" };
    const model = fakeModel({
      generate: (prompt) => {
        const question = prompt.split("\n").at(-1)!;
        return responses[question];
      },
    });
    const result = await evaluate(model, [task]);
    expect(result.tasks[0].perItem.map((r) => [r.scores["exact_match,strict"], r.scores["exact_match,loose"]])).toEqual([
      [1, 1], // " 4": regex -> "4"; strip -> "4"
      [1, 0], // "The answer is 6": regex -> "6"; loose keeps the sentence
      [0, 0], // "nine": regex falls back to "[invalid]"
      [1, 1], // cut at the stop sequence "\n" -> "1"
    ]);
    expect(metric(result, "exact_match", "strict").value).toBe(0.75);
    // sample stddev of (1,1,0,1) = 0.5; / sqrt(4) = 0.25
    expect(metric(result, "exact_match", "strict").stderr).toBeCloseTo(0.25, 12);
    expect(metric(result, "exact_match", "loose").value).toBe(0.5);
    const request = model.generateCalls[0][0];
    expect(request).toMatchObject({ until: ["\n"], maxTokens: 8 });
    // Two few-shot examples from the train split, then the item.
    expect(model.detokenize(request.prompt)).toMatch(/^(\d\+\d=\d\n){2}2\+2=$/);
  });
});

describe("evaluate: loglikelihood_rolling", () => {
  it("computes word/byte perplexity and bits per byte from the summed log-likelihood", async () => {
    const task = await loadTask(path.join(fixtures, "text.yaml"));
    // Byte tokenizer; each byte costs -(byte % 5 + 1) / 10 nats, wherever its window starts.
    const perToken = (t: number) => -((t % 5) + 1) / 10;
    const model = fakeModel({ contextSize: 16, score: (_c, _t, r) => r.continuation.reduce((s, t) => s + perToken(t), 0) });
    const result = await evaluate(model, [task], { bootstrapIters: 200 });
    const texts = task.splits.test!.map((d) => d.doc.text as string);
    const ll = texts.map((t) => [...new TextEncoder().encode(t)].reduce((s, b) => s + perToken(b), 0));
    const words = texts.map((t) => t.split(/\s+/).length);
    const bytes = texts.map((t) => new TextEncoder().encode(t).length);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(words).toEqual([9, 9, 2]); // the leading-space text counts an empty first word, as Python's re.split
    expect(metric(result, "word_perplexity").value).toBeCloseTo(Math.exp(-sum(ll) / sum(words)), 10);
    expect(metric(result, "byte_perplexity").value).toBeCloseTo(Math.exp(-sum(ll) / sum(bytes)), 10);
    expect(metric(result, "bits_per_byte").value).toBeCloseTo(-sum(ll) / sum(bytes) / Math.LN2, 10);
    expect(metric(result, "bits_per_byte")).toMatchObject({ stderrMethod: "bootstrap", higherIsBetter: false });
    expect(metric(result, "bits_per_byte").stderr).toBeGreaterThan(0);
    // Long texts were split into several windows, none longer than the context.
    expect(model.loglikelihoodCalls.flat().length).toBeGreaterThan(texts.length);
  });
});

describe("evaluate: failures", () => {
  const docs = [{ q: "one", a: "1" }, { a: "2" }, { q: "three", a: "3" }, { q: "x".repeat(200), a: "4" }, { q: "BOOM", a: "5" }];

  it("counts and reports failing items without stopping the task", async () => {
    const dir = writeTaskDir({ "task.yaml": genYaml("generation_kwargs:\n  max_gen_toks: 4"), "val.jsonl": jsonl([{ q: "v", a: "v" }]), "test.jsonl": jsonl(docs) });
    const task = await loadTask(path.join(dir, "task.yaml"));
    const model = fakeModel({ contextSize: 64, generate: (prompt) => prompt.slice(3, -3) === "one" ? "1" : "3" });
    const original = model.generate.bind(model);
    model.generate = async (requests) => {
      if (requests.some((r) => model.detokenize(r.prompt).includes("BOOM"))) throw new Error("native crash on BOOM");
      return original(requests);
    };
    const { events, result } = await collect(evaluateIter(model, [task], { batchSize: 100 }));
    const failed = events.filter((e) => e.type === "item-failed");
    expect(failed.map((e) => e.index)).toEqual([1, 3, 4]);
    expect(failed[0].reason).toMatch(/item 1 \(test\.jsonl:2\): doc_to_text template failed: .*null or undefined/);
    expect(failed[1].reason).toContain("context too long");
    expect(failed[2].reason).toContain("backend failed: native crash on BOOM");
    expect(result.tasks[0]).toMatchObject({ items: 2, failed: 3, total: 5 });
    // The two scored items ("one" -> "1", "three" -> "3") are both right.
    expect(metric(result, "exact_match").value).toBe(1);
  });

  it("warns when the first document already fails a template", async () => {
    const dir = writeTaskDir({ "task.yaml": genYaml(), "val.jsonl": jsonl([{ q: "v", a: "v" }]), "test.jsonl": jsonl([{ question: "1", a: "1" }, { q: "2", a: "2" }]) });
    const task = await loadTask(path.join(dir, "task.yaml"));
    const result = await evaluate(fakeModel({ generate: () => "2" }), [task]);
    expect(result.tasks[0].warnings.join("\n")).toContain(`likely a mistake in ${path.join(dir, "task.yaml")}`);
    expect(result.tasks[0]).toMatchObject({ items: 1, failed: 1 });
  });

  it("reports a task whose every item fails, with no metrics", async () => {
    const dir = writeTaskDir({ "task.yaml": genYaml(), "val.jsonl": jsonl([{ q: "v", a: "v" }]), "test.jsonl": jsonl([{ a: "1" }, { a: "2" }]) });
    const task = await loadTask(path.join(dir, "task.yaml"));
    const result = await evaluate(fakeModel(), [task]);
    expect(result.tasks[0].metrics).toEqual([]);
    expect(result.tasks[0].warnings[0]).toContain("every item of task");
  });

  it("refuses a split the task does not declare, before any work", async () => {
    const task = await loadTask(path.join(fixtures, "text.yaml"));
    const model = fakeModel();
    await expect(evaluate(model, [task], { split: "validation" })).rejects.toThrow(RecipeError);
    await expect(evaluate(model, [task], { limit: 0 })).rejects.toThrow("limit must be a positive integer");
    expect(model.loglikelihoodCalls).toHaveLength(0);
  });
});

describe("evaluateIter: events and batching", () => {
  it("streams task-start, progress per batch and task-done, and honours --limit", async () => {
    const task = await loadTask(path.join(fixtures, "mc.yaml"));
    const model = fakeModel({ score: (_c, continuation) => MC_LOGPROBS[continuation] });
    const { events, result } = await collect(evaluateIter(model, [task, task], { limit: 2, batchSize: 2 }));
    expect(events.map((e) => e.type)).toEqual(["task-start", "progress", "progress", "task-done", "task-start", "progress", "progress", "task-done"]);
    expect(events.filter((e) => e.type === "progress").map((e) => e.done)).toEqual([1, 2, 1, 2]);
    // Two choices per item, batch of 2 requests: one item per backend call.
    expect(model.loglikelihoodCalls.map((c) => c.length)).toEqual([2, 2, 2, 2]);
    expect(result.tasks.map((t) => t.items)).toEqual([2, 2]);
    const done = events.at(-1)!;
    expect(done.type === "task-done" && done.result.tokens).toBeGreaterThan(0);
  });

  it("times tasks with the injected clock", async () => {
    const task = await loadTask(path.join(fixtures, "mc.yaml"));
    let t = 0;
    const result = await evaluate(fakeModel({ score: (_c, continuation) => MC_LOGPROBS[continuation] }), [task], { now: () => (t += 500) });
    const done = result.tasks[0];
    expect(done.seconds).toBe(0.5);
    expect(done.tokensPerSecond).toBe(done.tokens / 0.5);
    expect(result.seconds).toBe(1.5);
  });
});
