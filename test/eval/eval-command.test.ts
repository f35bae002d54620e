import { existsSync } from "node:fs";
import path from "node:path";
import yargs from "yargs";
import { afterEach, describe, expect, it } from "vitest";
import { makeEvalCommand } from "../../src/cli/eval-command.js";
import type { BackendOptions, EvalBackend } from "../../src/eval/backend.js";
import type { EvalResult } from "../../src/eval/eval-result.js";
import { fakeModel, type FakeModel } from "./fake-model.js";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/eval");
const MC_LOGPROBS: Record<string, number> = { " cat": -3, " elephant": -4, " red": -1, " blue": -2, " yes": -2, " no": -1.4 };

function sink(isTTY = false) {
  const chunks: string[] = [];
  return { chunks, isTTY, write: (text: string) => chunks.push(text), text: () => chunks.join("") };
}

async function run(argv: string[], model: FakeModel = fakeModel({ score: (_c, cont) => MC_LOGPROBS[cont] ?? -1 }), tty = false) {
  const stdout = sink();
  const stderr = sink(tty);
  const seen: BackendOptions[] = [];
  const loaded: string[] = [];
  let backendDisposed = false;
  const createBackend = async (options: BackendOptions): Promise<EvalBackend> => {
    seen.push(options);
    const dispose = async () => {
      backendDisposed = true;
    };
    return { loadModel: async (file: string) => (loaded.push(file), model), dispose, [Symbol.asyncDispose]: dispose };
  };
  await yargs(argv).command(makeEvalCommand({ createBackend, stdout, stderr })).strict().exitProcess(false).fail((message, error) => {
    throw error ?? new Error(message);
  }).parseAsync();
  return { stdout: stdout.text(), stderr: stderr.text(), stderrChunks: stderr.chunks, options: seen, loaded, model, backendDisposed: () => backendDisposed };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe("smelt eval", () => {
  it("prints a per-task table with value ± stderr, items, failed and throughput", async () => {
    const out = await run(["eval", "m.gguf", "--tasks", `${path.join(fixtures, "mc.yaml")},${path.join(fixtures, "text.yaml")}`]);
    expect(out.stdout).toContain("split test · kv-cache F16 · threads 1");
    expect(out.stdout).toMatch(/\| mini_mc +\| acc ↑ +\| +0\.6667 \| ± \| +0\.3333 \| +3 \| +0 \|/);
    expect(out.stdout).toMatch(/\| +\| acc_norm ↑ +\| +0\.6667 \|/);
    expect(out.stdout).toMatch(/\| mini_text +\| word_perplexity ↓/);
    expect(out.options).toEqual([{ threads: 1, kvCache: "F16" }]);
    expect(out.model.disposed).toBe(true);
    expect(out.backendDisposed()).toBe(true);
    expect(out.stderr).toBe(""); // not a terminal: no progress line
  });

  it("prints one JSON document with --json and passes the backend settings through", async () => {
    const out = await run(["eval", "m.gguf", "--tasks", path.join(fixtures, "mc.yaml"), "--json", "--split", "validation", "--limit", "1", "--threads", "2", "--kv-cache", "f32"]);
    const result = JSON.parse(out.stdout) as EvalResult;
    expect(result.settings).toMatchObject({ split: "validation", limit: 1, kvCache: "F32", threads: 2 });
    expect(result.tasks[0]).toMatchObject({ task: "mini_mc", items: 1, failed: 0 });
    expect(out.options).toEqual([{ threads: 2, kvCache: "F32" }]);
  });

  it("draws progress on a terminal and lists failures and warnings on stderr", async () => {
    const out = await run(["eval", "m.gguf", "--tasks", path.join(fixtures, "gen.yaml")], fakeModel({ contextSize: 12 }), true);
    expect(out.stderrChunks.some((c) => c.includes("mini_gen: 4/4"))).toBe(true);
    expect(out.stderr).toContain("mini_gen: failed item 0");
    expect(out.stderr).toContain("context too long");
    expect(out.stderr).toContain("... and 1 more failed items");
    expect(out.stderr).toContain("warning: every item of task");
    expect(process.exitCode).toBe(1);
  });

  it("converts an HF folder to a temporary GGUF, says so, and deletes the GGUF after scoring", async () => {
    const folder = path.resolve(import.meta.dirname, "../../examples/toy/base");
    const out = await run(["eval", folder, "--tasks", path.join(fixtures, "mc.yaml"), "--out-type", "q8_0"]);
    expect(out.stderr).toMatch(new RegExp(`^converted ${folder} \\(HF llama\\) to a temporary Q8_0 GGUF in [\\d.]+m?s; it is deleted after scoring\n`));
    expect(out.stdout.split("\n")[0]).toBe(`${folder} (converted to Q8_0 GGUF) · split test · kv-cache F16 · threads 1 · context 4096`); // the fake model's context
    expect(out.loaded).toHaveLength(1);
    expect(out.loaded[0]).toMatch(/smelt-gguf-.*\/base\.gguf$/);
    expect(existsSync(out.loaded[0])).toBe(false);
    expect(out.model.disposed).toBe(true);
  });

  it("stops with the task file's RecipeError before loading the model", async () => {
    await expect(run(["eval", "m.gguf", "--tasks", "/nonexistent.yaml"])).rejects.toThrow("task file does not exist");
  });
});
