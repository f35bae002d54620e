/**
 * A short real search whose models are the toy experts' HF folders (bf16 safetensors): candidates
 * are merged from the HF inputs straight to GGUF and scored by llama.cpp, reference rows are
 * converted once into the run folder. The same search over the committed GGUFs (made from those
 * folders by `smelt convert`) proposes the same candidates and gives the same reference rows.
 */
import { statSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SmeltError } from "../../src/errors.js";
import { loadSearchSpace, search, type SearchEvent } from "../../src/search/index.js";
import { referenceGguf } from "../../src/search/search-loop/reference-gguf.js";
import { openRun, replayState } from "../../src/store/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { ROOT, toySpaceYaml } from "../helpers/toy-space.js";

const path = useTempDir("search-hf");

function space(kind: "hf" | "gguf"): string {
  const model = (name: string) => `${ROOT}examples/toy/${name}${kind === "gguf" ? ".gguf" : ""}`;
  return toySpaceYaml({
    models: [{ model: model("expert-max"), name: "max" }, { model: model("expert-kind"), name: "kind" }, { model: model("expert-pick"), name: "pick" }],
    base: model("base"),
    budget: 4,
    seed: 1,
    sigma0: 0.3,
  });
}

describe("a search over HF folders", () => {
  it("merges candidates from the HF inputs, scores them with llama.cpp, converts references once, and agrees with the GGUF search", { timeout: 300_000 }, async () => {
    await writeFile(path("hf.yaml"), space("hf"));
    await writeFile(path("gguf.yaml"), space("gguf"));
    const events: SearchEvent[] = [];
    const options = { runsDir: path("runs"), limit: 4, kvCache: "F32" as const, evalThreads: 1, mergeThreads: 1 };
    const hf = await search({ spacePath: path("hf.yaml") }, { ...options, runId: "hf", onEvent: (e) => events.push(e) });
    const gguf = await search({ spacePath: path("gguf.yaml") }, { ...options, runId: "gguf" });
    expect(hf.reason).toBe("budget");
    const a = replayState((await openRun(hf.dir)).entries);
    const b = replayState((await openRun(gguf.dir)).entries);
    expect(a.scored.size).toBe(4);
    expect(a.failed.size).toBe(0);
    expect(a.references.size).toBe(8); // base + 3 sources, validation and test
    expect(a.heldout.size).toBeGreaterThanOrEqual(1); // the Pareto front and the best by fitness
    // The references were converted once each, at the space's out_type, into the run folder.
    expect((await readdir(join(hf.dir, "references"))).sort()).toEqual(["base-base-f16.gguf", "source-kind-f16.gguf", "source-max-f16.gguf", "source-pick-f16.gguf"]);
    // The conversion is byte-identical to the committed GGUFs, so the reference rows are the same.
    const refs = (s: typeof a) => [...s.references.entries()].map(([k, r]) => [k.replace(".gguf", ""), r.tasks]).sort();
    expect(refs(a)).toEqual(refs(b));
    // Same optimiser, same proposals; the merges differ only by the inputs' storage (bf16 vs F16).
    expect([...a.proposed.values()].map((p) => p.x)).toEqual([...b.proposed.values()].map((p) => p.x));
    const fit = (s: typeof a) => [...s.scored.values()].map((x) => x.fitness);
    console.info(`HF search fitness ${fit(a).map((f) => f.toFixed(3)).join(", ")}; GGUF search ${fit(b).map((f) => f.toFixed(3)).join(", ")}`);
    fit(a).forEach((f, i) => expect(Math.abs(f - fit(b)[i])).toBeLessThan(0.15));
    expect(events.filter((e) => e.type === "scored")).toHaveLength(4);
  });

  it("the shipped search-spaces/toy-hf.yaml names the toy experts' HF folders", async () => {
    const s = await loadSearchSpace(`${ROOT}search-spaces/toy-hf.yaml`);
    expect(s.base_model).toBe(`${ROOT}examples/toy/base`);
    expect(s.models.map((m) => [m.name, m.model])).toEqual(["max", "kind", "pick"].map((n) => [n, `${ROOT}examples/toy/expert-${n}`]));
  });

  it("reuses a converted reference instead of converting it again", async () => {
    const runDir = path("reuse");
    await mkdir(runDir);
    const ref = { model: `${ROOT}examples/toy/base`, label: "base", role: "base" as const };
    const first = await referenceGguf(ref, runDir, "f16");
    const mtime = statSync(first).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(await referenceGguf(ref, runDir, "f16")).toBe(first);
    expect(statSync(first).mtimeMs).toBe(mtime);
    expect(await referenceGguf({ ...ref, model: `${ROOT}examples/toy/base.gguf` }, runDir, "f16")).toBe(`${ROOT}examples/toy/base.gguf`);
  });

  it("refuses a space that mixes HF folders and GGUF files, or names something that is neither", async () => {
    await writeFile(path("mixed.yaml"), space("hf").replace(`examples/toy/base\n`, `examples/toy/base.gguf\n`));
    await expect(search({ spacePath: path("mixed.yaml") }, { runsDir: path("runs"), runId: "mixed" })).rejects.toThrow(/mixes GGUF files and HF folders/);
    await writeFile(path("neither.yaml"), space("hf").replace(`examples/toy/base\n`, `examples/toy/README.md\n`));
    await expect(search({ spacePath: path("neither.yaml") }, { runsDir: path("runs"), runId: "neither" })).rejects.toBeInstanceOf(SmeltError);
  });
});
