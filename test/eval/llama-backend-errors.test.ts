/** What the llama.cpp backend does with bad input: typed errors naming the file, item and limit. */
import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { byteTokenize } from "../../src/arch/byte-tokenizer.js";
import { EvalBackendError } from "../../src/errors.js";
import type { EvalBackend } from "../../src/eval/backend.js";
import { createLlamaBackend } from "../../src/eval/llama-backend.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinyLlamaGguf } from "../helpers/tiny-llama.js";

const path = useTempDir("llama-errors");
let backend: EvalBackend;
let good = "";

beforeAll(async () => {
  backend = await createLlamaBackend({ threads: 1, sequences: 2, contextSize: 32 });
  good = path("good.gguf");
  await writeTinyLlamaGguf(good, { seed: 31 });
});
afterAll(async () => {
  await backend.dispose();
});

describe("loading", () => {
  it("names a missing file", async () => {
    const missing = path("nope.gguf");
    await expect(backend.loadModel(missing)).rejects.toThrow(EvalBackendError);
    await expect(backend.loadModel(missing)).rejects.toThrow(`cannot load model ${missing}: no such file`);
  });

  it("names a corrupt or truncated file", async () => {
    const garbage = path("garbage.gguf");
    await writeFile(garbage, Buffer.from("this is not a GGUF file at all, just text".repeat(20)));
    await expect(backend.loadModel(garbage)).rejects.toThrow(new RegExp(`cannot load model ${garbage}`));
    const truncated = path("truncated.gguf");
    const bytes = await readFile(good);
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await backend.loadModel(truncated).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvalBackendError);
    expect((error as Error).message).toContain(truncated);
  });

  it("rejects options it cannot honour", async () => {
    await expect(createLlamaBackend({ threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(createLlamaBackend({ threads: 1, contextSize: 1.5 })).rejects.toThrow(/contextSize/);
  });
});

describe("requests", () => {
  it("refuses an item longer than a context sequence, naming its length and the context size", async () => {
    await using model = await backend.loadModel(good);
    const long = byteTokenize("x".repeat(30));
    await expect(model.loglikelihood([{ context: [1], continuation: [2] }, { context: long, continuation: [1, 2] }])).rejects.toThrow(
      /loglikelihood request 1 needs 33 tokens \(BOS \+ context 30 \+ continuation 2\) .* holds 32/,
    );
    await expect(model.generate([{ prompt: byteTokenize("hi"), until: [], maxTokens: 40 }])).rejects.toThrow(
      /generate request 0 needs 43 tokens .* holds 32/,
    );
    // Exactly full is fine.
    const [fits] = await model.loglikelihood([{ context: long.slice(0, 29), continuation: [1, 2] }]);
    expect(Number.isFinite(fits.logprob)).toBe(true);
  });

  it("refuses token ids outside the vocabulary before they reach llama.cpp", async () => {
    await using model = await backend.loadModel(good);
    await expect(model.loglikelihood([{ context: [1, 258], continuation: [2] }])).rejects.toThrow(/token 258 is outside the vocabulary .*0\.\.257/);
    await expect(model.generate([{ prompt: [-1], until: [], maxTokens: 1 }])).rejects.toThrow(EvalBackendError);
  });

  it("throws after dispose, and a disposed backend loads nothing", async () => {
    const other = await createLlamaBackend({ threads: 1, sequences: 1, contextSize: 32 });
    const model = await other.loadModel(good);
    await other.dispose(); // disposes the models it loaded
    await expect(model.loglikelihood([{ context: [1], continuation: [2] }])).rejects.toThrow(/was disposed/);
    expect(() => model.tokenize("a")).toThrow(EvalBackendError);
    await expect(other.loadModel(good)).rejects.toThrow(/backend was disposed/);
    await model.dispose(); // idempotent
  });

  it("stays usable after a rejected request", async () => {
    await using model = await backend.loadModel(good);
    await expect(model.loglikelihood([{ context: [999], continuation: [1] }])).rejects.toThrow();
    const [r] = await model.loglikelihood([{ context: [65], continuation: [66] }]);
    expect(r.logprob).toBeLessThan(0);
  });
});
