import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { RecipeError } from "../../src/errors.js";
import { loadSearchSpace } from "../../src/search/load-search-space.js";
import { searchSpaceSchema } from "../../src/search/search-space-schema.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { BASE_SPACE, at, issuesOf, space, taskYaml } from "./space-fixture.js";

const tmp = useTempDir("search-space");

describe("loadSearchSpace", () => {
  it("loads search-spaces/toy.yaml from disk with paths relative to the file", async () => {
    const s = await loadSearchSpace(resolve("search-spaces/toy.yaml"));
    expect(s.methods).toEqual(["task_arithmetic"]);
    expect(s.models.map((m) => m.name)).toEqual(["max", "kind", "pick"]);
    expect(s.models[0].model).toBe(resolve("examples/toy/expert-max.gguf"));
    expect(s.base_model).toBe(resolve("examples/toy/base.gguf"));
    expect(s.parameters.per_model.weight).toEqual({ kind: "range", lo: 0, hi: 1.5 });
    expect(s.parameters.per_model.density).toBeUndefined();
    expect(s.objectives.map((o) => [o.taskName, o.metric, o.weight, o.direction])).toEqual([
      ["toy_max", "exact_match", 1, "maximize"],
      ["toy_kind", "exact_match", 1, "maximize"],
      ["toy_pick", "exact_match", 1, "maximize"],
    ]);
    expect(s.objectives[0].task).toBe(resolve("evals/toy-max.yaml"));
    expect(s.budget).toEqual({ evaluations: 60 });
    expect(s.optimiser.name).toBe("cma-es");
    expect(s.optimiser.sigma0).toBe(0.3);
    expect(s.seed).toBe(1);
    expect(s.out_type).toBe("f16");
    expect(Object.isFrozen(s.models[0])).toBe(true);
  });

  it.each(["toy-demo.yaml", "toy-methods.yaml"])("loads the shipped search-spaces/%s", async (file) => {
    const s = await loadSearchSpace(resolve("search-spaces", file));
    expect(s.models.map((m) => m.name)).toEqual(["max", "kind", "pick"]);
    expect(s.base_model).toBe(resolve("examples/toy/base.gguf"));
  });

  it("takes a bare file name that exists next to the space as a local model, not a Hub repository", async () => {
    await mkdir(tmp("spaces"));
    await writeFile(tmp("spaces/expert.gguf"), "");
    await writeFile(tmp("spaces/task.yaml"), taskYaml("toy_count"));
    await writeFile(tmp("spaces/s.yaml"), "models: [{model: expert.gguf}, {model: org/other}]\nbase_model: ./base\nmethods: linear\nparameters: {per_model: {weight: [0, 1]}}\nobjectives: [{task: task.yaml}]\nbudget: {evaluations: 3}\n");
    const s = await loadSearchSpace(tmp("spaces/s.yaml"));
    expect(s.models).toEqual([
      { model: tmp("spaces/expert.gguf"), name: "expert" },
      { model: "org/other", name: "other" },
    ]);
    expect(s.base_model).toBe(tmp("spaces/base"));
  });

  it("fills defaults: seed 0, f16 candidates, cma-es, 3 finalists, metric and direction from the task", async () => {
    const s = await space(BASE_SPACE.replace("  - task: ../evals/count.yaml", "  - task: ../evals/count.yaml\n  - {task: ../evals/ppl.yaml, weight: 0.5}"));
    expect(s.seed).toBe(0);
    expect(s.out_type).toBe("f16");
    expect(s.optimiser).toEqual({ name: "cma-es" });
    expect(s.heldout).toEqual({ finalists: 3 });
    expect(s.filters).toEqual([]);
    expect(s.allow_public_benchmarks).toBe(false);
    expect(s.objectives[1]).toMatchObject({ taskName: "toy_ppl", metric: "word_perplexity", weight: 0.5, direction: "minimize" });
    expect(s.models.map((m) => m.name)).toEqual(["a", "b"]);
  });

  it("accepts every parameter form: fixed, range, {range, init}, flags and choices", async () => {
    const s = await space(
      BASE_SPACE.replace("density: [0.2, 1.0]", "density: {range: [0.2, 1.0], init: 0.9}").replace(
        "objectives:",
        "  global:\n    lambda: {choices: [0.5, 1, 1.5]}\n    normalize: [true, false]\n    rescale: false\nobjectives:",
      ),
    );
    expect(s.parameters.per_model.density).toEqual({ kind: "range", lo: 0.2, hi: 1, init: 0.9 });
    expect(s.parameters.global).toEqual({
      lambda: { kind: "choice", choices: [0.5, 1, 1.5] },
      normalize: { kind: "choice", choices: [true, false] },
      rescale: { kind: "fixed", value: false },
    });
  });

  it("refuses public benchmarks as objectives unless allow_public_benchmarks is set, naming the flag", async () => {
    const yaml = BASE_SPACE.replace("../evals/count.yaml", "../evals/gsm8k.yaml");
    const issues = await issuesOf(yaml);
    at(issues, "objectives.0.task", /public benchmark gsm8k.*allow_public_benchmarks: true/);
    const s = await space(`${yaml}allow_public_benchmarks: true\n`);
    expect(s.objectives[0].taskName).toBe("gsm8k_cot");
  });

  it("reports schema errors with paths and lines", async () => {
    const issues = await issuesOf(`
models: []
methods: ties
paramters: {}
objectives:
  - {task: ../evals/count.yaml, direction: up}
budget: {}
optimiser: {name: nelder-mead}
`);
    at(issues, "models", /at least one model/);
    at(issues, "paramters", /unknown key "paramters"; did you mean "parameters"/);
    at(issues, "objectives.0.direction", /maximize|minimize/);
    at(issues, "budget", /evaluations, minutes or both/);
    at(issues, "optimiser.name", /cma-es|random/);
    expect(issues.find((i) => i.path.join(".") === "paramters")?.message).toMatch(/\(line 4\)/);
  });

  it("checks parameters against the methods: unknown, wrong scope, bad values, required ones", async () => {
    const issues = await issuesOf(`
models: [{model: ../models/a}, {model: ../models/b}]
base_model: ../models/base
methods: [ties, dare_ties, slerp, nonsense]
parameters:
  per_model:
    wieght: [0, 1]
    lambda: [0, 1]
  global:
    normalize: [0, 2]
    weight: 1
objectives: [{task: ../evals/count.yaml}]
budget: {minutes: 5}
`);
    at(issues, "methods.3", /unknown merge method "nonsense"/);
    at(issues, "parameters.per_model.wieght", /not a per-model parameter of ties, dare_ties, slerp .*did you mean "weight"/);
    at(issues, "parameters.per_model.lambda", /global parameter of ties, dare_ties; move it to parameters.global/);
    at(issues, "parameters.global.weight", /per-model parameter .*move it to parameters.per_model/);
    at(issues, "parameters.global.normalize", /ties rejects normalize = 2/);
    at(issues, "methods.0", /ties needs "weight"; add it under parameters.per_model/);
    at(issues, "methods.2", /slerp needs "t"/);
    at(issues, "methods.2", /slerp merges 0 to 1 model besides the base; this space lists 2/);
  });

  it("checks models, base, task files and metrics", async () => {
    const issues = await issuesOf(`
models: [{model: ../models/a, name: x}, {model: ../models/b, name: x}, {model: ../models/base}]
base_model: ../models/base
methods: ties
parameters: {per_model: {weight: [0, 1]}}
objectives:
  - {task: ../evals/missing.yaml}
  - {task: ../evals/count.yaml, metric: acc}
budget: {evaluations: 5}
`);
    at(issues, "models.1.name", /two models are named "x"/);
    at(issues, "models.2.model", /is the base_model/);
    at(issues, "objectives.0.task", /cannot be read/);
    at(issues, "objectives.1.metric", /has no metric "acc".*exact_match/);
    const inert = await issuesOf(BASE_SPACE.replace("methods: [ties]", "methods: [task_arithmetic]"));
    at(inert, "parameters.per_model.density", /cannot change the result of task_arithmetic/);
    const noBase = await issuesOf(BASE_SPACE.replace("base_model: ../models/base\n", ""));
    at(noBase, "base_model", /ties needs base_model/);
  });

  it("throws a RecipeError naming the file for unreadable files, YAML errors and non-mappings", async () => {
    await expect(loadSearchSpace("/nonexistent/space.yaml")).rejects.toThrow(RecipeError);
    await expect(space("models: [")).rejects.toThrow(/YAML syntax error/);
    await expect(space("- a\n- b")).rejects.toThrow(/must be a YAML mapping/);
  });

  it("has a JSON Schema for editors", () => {
    const schema = JSON.stringify(searchSpaceSchema.toJSONSchema({ io: "input", unrepresentable: "any" }));
    expect(schema).toContain("Layers per group");
  });
});
