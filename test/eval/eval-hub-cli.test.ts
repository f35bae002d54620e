/**
 * `smelt eval` of HF checkpoints: a Hub reference served by the fake Hub (real CLI) or a local HF
 * folder is converted to a temporary GGUF and scored. The toy experts' HF
 * folders convert to the committed F16 GGUFs' values (test/convert/toy-experts.test.ts), so the
 * scores equal those of the committed GGUF.
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ggufForModel } from "../../src/convert/index.js";
import { createLlamaBackend, evaluate, loadTask, type EvalResult } from "../../src/eval/index.js";
import { SmeltError } from "../../src/errors.js";
import { startFakeHub, toyFiles, type FakeHub } from "../hub/fake-hub.js";
import { runSmelt } from "../helpers/smelt-cli.js";
import { useTempDir } from "../helpers/temp-dir.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const path = useTempDir("eval-hub");
let hub: FakeHub;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  hub = await startFakeHub({ repos: { "toy/max": { files: toyFiles("expert-max") } } });
  env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: path("cache"), HF_HOME: path("hf-home"), HF_TOKEN: "", HUGGING_FACE_HUB_TOKEN: "", HF_HUB_OFFLINE: "" };
  await mkdir(path("work"), { recursive: true });
});
afterAll(async () => hub?.close());

const metrics = (r: EvalResult) => r.tasks.map((t) => [t.task, t.items, t.failed, t.metrics.map((m) => [m.metric, m.value, m.stderr])]);

describe("smelt eval of an HF checkpoint", () => {
  // That the temporary GGUF is deleted is checked by path in eval-command.test.ts (a count of
  // /dev/shm here would race with other tests converting at the same time).
  it("converts org/name to a temporary GGUF, says so, and scores it like the committed GGUF", { timeout: 120_000 }, async () => {
    const args = ["--tasks", `${ROOT}evals/toy-max.yaml,${ROOT}evals/toy-kind.yaml`, "--limit", "10", "--kv-cache", "f32", "--json"];
    const fromHub = await runSmelt(["eval", "toy/max", ...args], path("work"), env);
    expect(fromHub.code, fromHub.output).toBe(0);
    const commit = hub.commitOf("toy/max");
    expect(fromHub.output).toContain(`converted toy/max at commit ${commit.slice(0, 12)} (HF llama) to a temporary F16 GGUF in`);
    expect(fromHub.output).toMatch(/downloaded model\.safetensors/);
    const hubResult = JSON.parse(fromHub.stdout) as EvalResult & { converted: Record<string, unknown> };
    expect(hubResult.model).toBe("toy/max");
    expect(hubResult.converted).toMatchObject({ repo: "toy/max", commit, outType: "f16" });

    // The committed GGUF, scored in-process with the same settings (one CLI start less on a busy box).
    const tasks = [await loadTask(`${ROOT}evals/toy-max.yaml`), await loadTask(`${ROOT}evals/toy-kind.yaml`)];
    await using backend = await createLlamaBackend({ threads: 1, kvCache: "F32" });
    await using model = await backend.loadModel(`${ROOT}examples/toy/expert-max.gguf`);
    const ggufResult = await evaluate(model, tasks, { split: "test", limit: 10 });
    expect(metrics(hubResult)).toEqual(metrics(ggufResult));
    expect(hubResult.settings).toMatchObject({ split: "test", limit: 10, kvCache: "F32", threads: 1, contextSize: ggufResult.settings.contextSize });
    expect(hubResult.tasks.map((t) => t.items)).toEqual([10, 10]);
  });

  it("ggufForModel: a local HF folder becomes a temporary GGUF that dispose() deletes; a .gguf is used as it is; other paths are refused", async () => {
    const tmpDir = path("tmp");
    await mkdir(tmpDir);
    const folder = await ggufForModel(`${ROOT}examples/toy/base`, { tmpDir, outType: "f32" });
    expect(folder.converted).toMatchObject({ folder: `${ROOT}examples/toy/base`, hub: undefined, outType: "f32", result: { architecture: "llama", tokenizer: "byte" } });
    expect(existsSync(folder.path)).toBe(true);
    expect(folder.path.startsWith(tmpDir)).toBe(true);
    await folder.dispose();
    expect(readdirSync(tmpDir)).toEqual([]);

    const gguf = await ggufForModel(`${ROOT}examples/toy/base.gguf`, { tmpDir });
    expect(gguf).toMatchObject({ path: `${ROOT}examples/toy/base.gguf`, converted: undefined });
    await expect(ggufForModel(path("missing.gguf"))).rejects.toThrow(/no such GGUF file/);
    await writeFile(path("notes.txt"), "not a model");
    await expect(ggufForModel(path("notes.txt"))).rejects.toThrow(/neither a GGUF file nor an HF checkpoint folder/);
    await mkdir(path("empty"));
    await expect(ggufForModel(path("empty"))).rejects.toBeInstanceOf(SmeltError);
    await expect(ggufForModel(path("empty"))).rejects.toThrow(/without config\.json/);
    expect(readdirSync(tmpDir)).toEqual([]);
  });
});
