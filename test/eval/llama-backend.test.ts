/**
 * smelt's llama.cpp backend against the float64 reference, on tiny llama GGUFs that smelt writes
 * from scratch. Real llama.cpp, one thread.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BYTE_BOS_ID, byteTokenize } from "../../src/arch/byte-tokenizer.js";
import { createLlamaReference, type LlamaReference } from "../../src/arch/llama-reference.js";
import { referenceGreedy, referenceLoglikelihood } from "../../src/arch/llama-reference-tasks.js";
import type { EvalBackend, LoadedModel, LoglikelihoodRequest } from "../../src/eval/backend.js";
import { createLlamaBackend } from "../../src/eval/llama-backend.js";
import { LlamaLoadedModel } from "../../src/eval/llama/llama-loaded-model.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinyLlamaGguf } from "../helpers/tiny-llama.js";

const path = useTempDir("llama-backend");
let modelPath = "";
let ref: LlamaReference;

const PREAMBLE = "Q: 2+2=4\nQ: 3+1=";
const requests: LoglikelihoodRequest[] = [
  { context: byteTokenize("The quick brown fox"), continuation: byteTokenize(" jumps") },
  { context: byteTokenize(PREAMBLE), continuation: byteTokenize("4") },
  { context: byteTokenize(PREAMBLE), continuation: byteTokenize("5\n") },
  { context: byteTokenize(PREAMBLE + "4\nQ: 1+1="), continuation: byteTokenize("2") },
  { context: byteTokenize("é"), continuation: byteTokenize("ü!") },
  { context: [], continuation: byteTokenize("Hello") },
];

function expected(r: LoglikelihoodRequest) {
  return referenceLoglikelihood(ref, [BYTE_BOS_ID, ...r.context], r.continuation);
}

/** Largest |llama.cpp - reference| over every next-token log-prob after `text`'s prefixes. */
async function maxNextTokenError(model: LoadedModel, text: string): Promise<number> {
  const tokens = byteTokenize(text);
  const rows = ref.logProbs([BYTE_BOS_ID, ...tokens]);
  const got = await model.loglikelihood(tokens.map((t, i) => ({ context: tokens.slice(0, i), continuation: [t] })));
  return Math.max(...got.map((g, i) => Math.abs(g.logprob - rows[i][tokens[i]])));
}

beforeAll(async () => {
  modelPath = path("tiny.gguf");
  const model = await writeTinyLlamaGguf(modelPath, { seed: 11 });
  ref = createLlamaReference(model.config, model.weights);
});

describe("llama backend on a smelt-written tiny llama (F32 weights)", () => {
  let f32: EvalBackend;
  let model: LoadedModel;
  beforeAll(async () => {
    f32 = await createLlamaBackend({ threads: 1, kvCache: "F32", sequences: 3, contextSize: 128 });
    model = await f32.loadModel(modelPath);
  });
  afterAll(async () => {
    await f32.dispose();
  });

  it("tokenizes bytes as token ids and asks for BOS", () => {
    expect(model.bos).toBe(BYTE_BOS_ID);
    expect(model.contextSize).toBe(128);
    expect(model.tokenize("a <s> é")).toEqual(byteTokenize("a <s> é"));
    expect(model.detokenize(byteTokenize("héllo, wörld!"))).toBe("héllo, wörld!");
  });

  it("matches the float64 reference's next-token log-probs within 1e-4 with the F32 KV cache", async () => {
    const errors = [];
    for (const text of ["Hello, world!", "0123456789 abc", "\n\n  mixed ÄÖÜ text"]) {
      errors.push(await maxNextTokenError(model, text));
    }
    console.info(`F32 KV cache: max |log p - reference| per prompt = ${errors.map((e) => e.toExponential(2)).join(", ")}`);
    for (const e of errors) expect(e).toBeLessThan(1e-4);
  });

  it("scores loglikelihood and is_greedy like the reference, over several concurrent sequences", async () => {
    const got = await model.loglikelihood(requests);
    requests.forEach((r, i) => {
      const want = expected(r);
      expect(got[i].logprob).toBeCloseTo(want.logprob, 4);
      expect(got[i].isGreedy).toBe(want.isGreedy);
    });
  });

  it("gets is_greedy true for the reference's own greedy continuation", async () => {
    const context = byteTokenize("Once upon");
    const continuation = referenceGreedy(ref, [BYTE_BOS_ID, ...context], 6);
    const [got] = await model.loglikelihood([{ context, continuation }]);
    expect(got.isGreedy).toBe(true);
    expect(got.logprob).toBeCloseTo(expected({ context, continuation }).logprob, 4);
  });

  it("generates the reference's greedy decode and stops before the earliest stop string", async () => {
    const prompts = ["Once upon", "Q: 1+1=", "xyz"].map(byteTokenize);
    const full = prompts.map((p) => model.detokenize(referenceGreedy(ref, [BYTE_BOS_ID, ...p], 12)));
    const free = await model.generate(prompts.map((prompt) => ({ prompt, until: [], maxTokens: 12 })));
    expect(free).toEqual(full);
    // Stop strings taken from inside each expected text: output is what precedes the first one.
    const stops = full.map((t) => [t.slice(5, 7), "never-appears"]);
    const stopped = await model.generate(prompts.map((prompt, i) => ({ prompt, until: stops[i], maxTokens: 12 })));
    stopped.forEach((s, i) => expect(s).toBe(full[i].slice(0, full[i].indexOf(stops[i][0]))));
    expect(await model.generate([{ prompt: prompts[0], until: [], maxTokens: 0 }])).toEqual([""]);
  });

  it("serialises overlapping calls on one model (the sequences' caches are shared state)", async () => {
    const prompt = byteTokenize("Once upon");
    const [ll, gen, ll2] = await Promise.all([
      model.loglikelihood(requests),
      model.generate([{ prompt, until: [], maxTokens: 8 }]),
      model.loglikelihood(requests.slice(1, 3)),
    ]);
    ll.forEach((r, i) => expect(r.logprob).toBeCloseTo(expected(requests[i]).logprob, 4));
    ll2.forEach((r, i) => expect(r.logprob).toBeCloseTo(expected(requests[i + 1]).logprob, 4));
    expect(gen).toEqual([model.detokenize(referenceGreedy(ref, [BYTE_BOS_ID, ...prompt], 8))]);
  });
});

describe("prefix reuse", () => {
  it("gives the same results as evaluating every request from scratch, with fewer tokens", async () => {
    const results = [];
    const counts = [];
    for (const reusePrefix of [true, false]) {
      await using backend = await createLlamaBackend({ threads: 1, kvCache: "F32", sequences: 2, contextSize: 128, reusePrefix });
      const model = await backend.loadModel(modelPath);
      const ll = await model.loglikelihood([...requests, ...requests]);
      const gen = await model.generate([{ prompt: byteTokenize(PREAMBLE), until: ["\n"], maxTokens: 8 }]);
      results.push({ ll, gen });
      counts.push((model as LlamaLoadedModel).evaluatedTokens);
    }
    console.info(`evaluated tokens with prefix reuse: ${counts[0]}, without: ${counts[1]}`);
    expect(counts[0]).toBeLessThan(counts[1]);
    const [reused, fresh] = results;
    const diff = Math.max(...reused.ll.map((r, i) => Math.abs(r.logprob - fresh.ll[i].logprob)));
    console.info(`max |log p(reuse) - log p(no reuse)| = ${diff.toExponential(2)}`);
    expect(reused.gen).toEqual(fresh.gen);
    reused.ll.forEach((r, i) => {
      expect(r.isGreedy).toBe(fresh.ll[i].isGreedy);
      expect(Math.abs(r.logprob - fresh.ll[i].logprob)).toBeLessThan(1e-5);
    });
  });
});

describe("F16 KV cache (llama.cpp's default)", () => {
  it("is further from the reference than F32 (reported), yet close", async () => {
    await using backend = await createLlamaBackend({ threads: 1, sequences: 1, contextSize: 128 });
    const model = await backend.loadModel(modelPath);
    const error = await maxNextTokenError(model, "Hello, world! 0123456789");
    console.info(`F16 KV cache: max |log p - reference| = ${error.toExponential(2)}`);
    expect(error).toBeGreaterThan(1e-5);
    expect(error).toBeLessThan(0.1);
  });
});
