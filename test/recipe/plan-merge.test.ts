import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RecipeError, ShapeMismatchError, type Issue } from "../../src/errors.js";
import type { MergePlan, MergeStep } from "../../src/recipe/merge-plan.js";
import { parseRecipe } from "../../src/recipe/parse-recipe.js";
import { checkRecipe } from "../../src/recipe/check-recipe.js";
import { planMerge, type PlanModel } from "../../src/recipe/plan-merge.js";
import { recipeSchema } from "../../src/recipe/recipe-schema.js";
import { fakeMethods } from "./fake-methods.js";
import { llamaTensors, modelSet, tensorInfo } from "./fake-models.js";

const four = modelSet({ "org/base": llamaTensors(4), "org/a": llamaTensors(4), "org/b": llamaTensors(4) });

function plan(yaml: string, models: ReadonlyMap<string, PlanModel> = four): MergePlan {
  return planMerge(parseRecipe(yaml, "test.yaml"), models, fakeMethods, "test.yaml");
}

function step(p: MergePlan, output: string): MergeStep {
  const s = p.steps.find((x) => x.output === output);
  if (s === undefined) throw new Error(`no step for ${output}; outputs: ${p.steps.map((x) => x.output).join(", ")}`);
  return s;
}

function planIssues(yaml: string, models: ReadonlyMap<string, PlanModel> = four): Issue[] {
  try {
    plan(yaml, models);
  } catch (e) {
    if (e instanceof RecipeError) return [...e.issues];
    throw e;
  }
  throw new Error("expected planMerge to reject the recipe");
}

function at(issues: Issue[], path: string, pattern: RegExp): void {
  const hit = issues.find((i) => i.path.join(".") === path && pattern.test(i.message));
  if (hit === undefined) {
    throw new Error(`no issue at ${path} matching ${pattern}; got:\n${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
}

describe("planMerge, models syntax", () => {
  const slerp = plan(`
merge_method: slerp
base_model: org/base
models: [{model: org/base}, {model: org/a}]
parameters:
  t:
    - filter: self_attn
      value: [0, 0.5, 1]
    - filter: mlp
      value: [1, 0]
    - value: 0.25
`);

  it("plans every tensor of the base model, in its order, with the base as base", () => {
    expect(slerp.steps.map((s) => s.output)).toEqual(llamaTensors(4).map((t) => t.name));
    expect(slerp.outputTensors.map((t) => t.name)).toEqual(slerp.steps.map((s) => s.output));
    const q = step(slerp, "model.layers.1.self_attn.q_proj.weight");
    expect(q.inputs).toEqual([{ model: "org/a", tensor: "model.layers.1.self_attn.q_proj.weight" }]);
    expect(q.base).toEqual({ model: "org/base", tensor: "model.layers.1.self_attn.q_proj.weight" });
    expect(q.perModel).toEqual([{}]);
    expect(q.shape).toEqual([8, 8]);
    expect(q.seed).toBeUndefined();
  });

  it("puts gradient values on the right layers (t = i/3) and filters on the right tensors", () => {
    const t = (name: string) => step(slerp, name).params.t;
    expect([0, 1, 2, 3].map((i) => t(`model.layers.${i}.self_attn.q_proj.weight`))).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect([0, 1, 2, 3].map((i) => t(`model.layers.${i}.mlp.up_proj.weight`))).toEqual([1, 1 - 1 / 3, 1 - 2 / 3, 0]);
    expect(t("model.layers.2.input_layernorm.weight")).toBe(0.25);
    // Outside the layers: t = 0, the gradient's first value; unmatched filters fall through to "*".
    expect(t("model.embed_tokens.weight")).toBe(0.25);
    expect(t("lm_head.weight")).toBe(0.25);
  });

  it("fills method defaults and validates with the method's schemas (ties)", () => {
    const p = plan(readFileSync(new URL("../fixtures/recipe/ties.yaml", import.meta.url), "utf8"), modelSet({
      "TheBloke/Llama-2-13B-fp16": llamaTensors(4),
      "psmathur/orca_mini_v3_13b": llamaTensors(4),
      "garage-bAInd/Platypus2-13B": llamaTensors(4),
      "WizardLM/WizardMath-13B-V1.0": llamaTensors(4),
    }));
    const s = step(p, "model.layers.3.mlp.up_proj.weight");
    expect(s.params).toEqual({ lambda: 1, normalize: true, int8_mask: true });
    expect(s.inputs.map((i) => i.model)).toEqual(["psmathur/orca_mini_v3_13b", "garage-bAInd/Platypus2-13B", "WizardLM/WizardMath-13B-V1.0"]);
    expect(s.base?.model).toBe("TheBloke/Llama-2-13B-fp16");
    // density [1, 0.7, 0.1] at t = 1 -> 0.1; weight [0, .3, .7, 1] at t = 1 -> 1; mlp filter -> 0.5.
    expect(s.perModel).toEqual([{ weight: 1, density: 0.1 }, { weight: 1, density: 0.5 }, { weight: 0.5, density: 0.33 }]);
    const attn = step(p, "model.layers.1.self_attn.q_proj.weight");
    expect(attn.perModel[1].weight).toBeCloseTo(0.3, 15);
    expect(attn.perModel[2].weight).toBe(0);
    expect(step(p, "model.embed_tokens.weight").perModel[0]).toEqual({ weight: 1, density: 1 });
  });

  it("treats the base as one more input, appended last, for methods without a base (linear)", () => {
    const p = plan(`
merge_method: linear
base_model: org/base
models: [{model: org/a, parameters: {weight: 2}}, {model: org/b}]
parameters: {weight: 1}
`);
    const s = step(p, "model.norm.weight");
    expect(s.inputs.map((i) => i.model)).toEqual(["org/a", "org/b", "org/base"]);
    expect(s.base).toBeUndefined();
    expect(s.perModel).toEqual([{ weight: 2 }, { weight: 1 }, { weight: 1 }]);
    expect(s.params).toEqual({ normalize: true });
  });

  it("dtype: out_dtype, then dtype, then the input's; integer tensors keep theirs", () => {
    const models = modelSet({
      "org/a": [...llamaTensors(1), tensorInfo("model.position_ids", [1, 8], "I64")],
      "org/b": [...llamaTensors(1), tensorInfo("model.position_ids", [1, 8], "I64")],
    });
    const base = "merge_method: linear\nmodels: [{model: org/a}, {model: org/b}]\nparameters: {weight: 1}\n";
    expect(plan(base, models).outputTensors[0].dtype).toBe("BF16");
    expect(plan(`${base}dtype: float32\n`, models).outputTensors[0].dtype).toBe("F32");
    const both = plan(`${base}dtype: float32\nout_dtype: float16\n`, models);
    expect(both.outputTensors[0].dtype).toBe("F16");
    expect(both.outputTensors.find((t) => t.name === "model.position_ids")?.dtype).toBe("I64");
  });

  it("carries the seed for stochastic methods only (default 0), the tokenizer source and chat template", () => {
    const dare = plan("merge_method: dare_ties\nbase_model: org/base\nmodels: [{model: org/a, parameters: {weight: 1, density: 0.5}}]\nseed: 42\n");
    expect(dare.steps.every((s) => s.seed === 42)).toBe(true);
    expect(step(dare, "model.norm.weight").params).toEqual({ lambda: 1, normalize: false, int8_mask: false, rescale: true });
    const unseeded = plan("merge_method: dare_ties\nbase_model: org/base\nmodels: [{model: org/a, parameters: {weight: 1}}]\n");
    expect(unseeded.steps[0].seed).toBe(0);
    expect(dare.tokenizerSource).toBe("org/base");
    const chat = plan("merge_method: linear\nmodels: [{model: org/a}, {model: org/b}]\nparameters: {weight: 1}\ntokenizer_source: org/b\nchat_template: chatml\n");
    expect(chat.tokenizerSource).toBe("org/b");
    expect(chat.chatTemplate).toBe("chatml");
    expect(plan("merge_method: linear\nmodels: [{model: org/a}]\nparameters: {weight: 1}\n").tokenizerSource).toBe("org/a");
  });

  it("returns frozen plain data", () => {
    expect(Object.isFrozen(slerp)).toBe(true);
    expect(Object.isFrozen(slerp.steps[3].params)).toBe(true);
    expect(Object.isFrozen(slerp.steps[3].inputs[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(slerp))).toEqual(slerp);
  });
});

describe("planMerge, slices syntax", () => {
  it("stacks layers, renumbers them in output order, restarts t per slice, and takes embeddings / head from the first / last slice", () => {
    const p = plan(`
merge_method: passthrough
slices:
  - sources: [{model: org/a, layer_range: [0, 3]}]
  - sources: [{model: org/b, layer_range: [1, 4]}]
parameters:
  scale:
    - filter: mlp
      value: [0, 1]
    - value: 1
`);
    const names = p.steps.map((s) => s.output);
    expect(names[0]).toBe("model.embed_tokens.weight");
    expect(names.slice(-2)).toEqual(["lm_head.weight", "model.norm.weight"]);
    expect(names.filter((n) => n.endsWith("up_proj.weight"))).toEqual([0, 1, 2, 3, 4, 5].map((i) => `model.layers.${i}.mlp.up_proj.weight`));
    expect(step(p, "model.embed_tokens.weight").inputs).toEqual([{ model: "org/a", tensor: "model.embed_tokens.weight" }]);
    expect(step(p, "lm_head.weight").inputs).toEqual([{ model: "org/b", tensor: "lm_head.weight" }]);
    expect(step(p, "model.layers.2.mlp.up_proj.weight").inputs).toEqual([{ model: "org/a", tensor: "model.layers.2.mlp.up_proj.weight" }]);
    expect(step(p, "model.layers.3.mlp.up_proj.weight").inputs).toEqual([{ model: "org/b", tensor: "model.layers.1.mlp.up_proj.weight" }]);
    expect(step(p, "model.layers.5.self_attn.q_proj.weight").inputs).toEqual([{ model: "org/b", tensor: "model.layers.3.self_attn.q_proj.weight" }]);
    const scales = [0, 1, 2, 3, 4, 5].map((i) => step(p, `model.layers.${i}.mlp.up_proj.weight`).perModel[0].scale);
    expect(scales).toEqual([0, 0.5, 1, 0, 0.5, 1]);
    expect(step(p, "model.layers.4.input_layernorm.weight").perModel).toEqual([{ scale: 1 }]);
  });

  it("agrees with mergekit's precedence lookups (params.json)", () => {
    const { precedence } = JSON.parse(readFileSync(new URL("../fixtures/recipe/params.json", import.meta.url), "utf8")) as {
      precedence: { config: unknown; queries: { model: string; tensor: string; parameter: string; value: number }[] };
    };
    const recipe = recipeSchema.parse(precedence.config);
    const p = planMerge(recipe, modelSet({ base: llamaTensors(4), a: llamaTensors(4), b: llamaTensors(4) }), fakeMethods);
    for (const q of precedence.queries) {
      const s = step(p, q.tensor);
      const i = s.inputs.findIndex((x) => x.model === q.model);
      expect(s.perModel[i][q.parameter], `${q.parameter} of ${q.model} for ${q.tensor}`).toBe(q.value);
    }
    expect(step(p, "model.layers.0.mlp.up_proj.weight").base?.model).toBe("base");
  });

  it("merges within a slice with the sources' own layer numbers", () => {
    const p = plan(`
merge_method: slerp
base_model: org/base
slices:
  - sources: [{model: org/base, layer_range: [2, 4]}, {model: org/a, layer_range: [0, 2]}]
parameters: {t: [0, 1]}
`);
    expect(p.steps.filter((s) => s.output.includes("layers")).length).toBe(6);
    const s = step(p, "model.layers.1.mlp.up_proj.weight");
    expect(s.base?.tensor).toBe("model.layers.3.mlp.up_proj.weight");
    expect(s.inputs[0].tensor).toBe("model.layers.1.mlp.up_proj.weight");
    expect(s.params.t).toBe(1);
  });
});

describe("planMerge rejects, listing every problem with its path", () => {
  it("unknown method, with the known ones", () => {
    at(planIssues("merge_method: tie\nmodels: [{model: org/a}]\n"), "merge_method", /unknown merge method "tie"; did you mean "ties"\?; known methods: dare_ties, linear, model_stock/);
  });

  it("parameter names, scopes, model counts and base model at once", () => {
    const issues = planIssues(`
merge_method: slerp
models:
  - model: org/a
    parameters: {t: 0.5}
  - model: org/b
    parameters: {weight: 1}
parameters: {tt: 0.3}
`);
    at(issues, "models.0.parameters.t", /global parameter of slerp/);
    at(issues, "models.1.parameters.weight", /"weight" is not a parameter of slerp; slerp takes global: t/);
    at(issues, "parameters.tt", /"tt" is not a parameter of slerp; did you mean "t"\?/);
    at(issues, "base_model", /slerp needs a base_model/);
    at(issues, "models", /slerp takes exactly 1 model; this recipe gives 2/);
  });

  it("slices: base missing from a slice, uneven sources, ranges past the model, passthrough with two sources", () => {
    const ties = planIssues(`
merge_method: ties
base_model: org/base
slices:
  - sources: [{model: org/a, layer_range: [0, 2]}, {model: org/b, layer_range: [0, 3]}]
  - sources: [{model: org/base, layer_range: [2, 6]}, {model: org/a, layer_range: [2, 6]}]
parameters: {weight: 1}
`);
    at(ties, "slices.0.sources", /base_model "org\/base", which is not among the sources/);
    at(ties, "slices.0.sources", /same number of layers; got org\/a: 2, org\/b: 3/);
    at(ties, "slices.1.sources.0.layer_range", /has 4 layers \(0-3\); layer_range \[2, 6\] reaches past them/);
    const pass = planIssues("merge_method: passthrough\nslices:\n  - sources: [{model: org/a, layer_range: [0, 2]}, {model: org/b, layer_range: [0, 2]}]\n");
    at(pass, "slices.0.sources", /passthrough takes exactly 1 model; this slice gives 2/);
  });

  it("models that were not loaded, or have different depths", () => {
    const issues = planIssues(
      "merge_method: linear\nmodels: [{model: org/a}, {model: org/x}, {model: org/deep}]\nparameters: {weight: 1}\n",
      modelSet({ "org/a": llamaTensors(4), "org/deep": llamaTensors(6) }),
    );
    at(issues, "models.1.model", /model "org\/x" was not loaded/);
    at(issues, "models.2.model", /same number of layers: "org\/a" has 4, "org\/deep" has 6/);
  });

  it("missing required per-model parameters, once per model with a count, and invalid values", () => {
    const issues = planIssues(`
merge_method: ties
base_model: org/base
models:
  - model: org/a
    parameters: {weight: 1, density: [0.5, 1.5]}
  - model: org/b
`);
    at(issues, "models.1.parameters.weight", /missing required parameter "weight" for model "org\/b".*\(first needed by tensor lm_head.weight\) \(and 14 more like it\)/);
    at(issues, "models.0.parameters.density", /"density" = 1\.1666+7 for tensor model\.layers\.2\.input_layernorm\.weight: Too big.*\(and 5 more like it\)/);
  });

  it("a base that is an ordinary input needs its parameters too", () => {
    at(planIssues("merge_method: linear\nbase_model: org/base\nmodels: [{model: org/a, parameters: {weight: 1}}]\n"), "base_model", /missing required parameter "weight" for base model "org\/base", an ordinary input of linear/);
  });

  it("a missing required global parameter", () => {
    at(planIssues("merge_method: slerp\nbase_model: org/base\nmodels: [{model: org/a}]\n"), "parameters.t", /missing required parameter "t" of slerp/);
  });

  it("a tensor missing from one model names the model and the tensor", () => {
    const issues = planIssues(
      "merge_method: linear\nmodels: [{model: org/a}, {model: org/b}]\nparameters: {weight: 1}\n",
      modelSet({ "org/a": llamaTensors(2), "org/b": llamaTensors(2).filter((t) => t.name !== "lm_head.weight") }),
    );
    at(issues, "models.1.model", /model "org\/b" has no tensor "lm_head.weight"/);
  });

  it("shape mismatches throw ShapeMismatchError naming the tensor and the models", () => {
    const models = modelSet({ "org/a": llamaTensors(2), "org/b": llamaTensors(2, { vocab: 20 }) });
    const run = () => plan("merge_method: linear\nmodels: [{model: org/a}, {model: org/b}]\nparameters: {weight: 1}\n", models);
    expect(run).toThrow(ShapeMismatchError);
    expect(run).toThrow(/tensor "lm_head.weight": inputs disagree: "org\/a" has \[16, 8\], "org\/b" has \[20, 8\] \(1 more tensor differs too\)/);
  });
});

describe("planMerge reports a bad value where it is written", () => {
  it("slice and top-level scopes", () => {
    const issues = planIssues(`
merge_method: ties
base_model: org/base
slices:
  - sources: [{model: org/base, layer_range: [0, 4]}, {model: org/a, layer_range: [0, 4]}, {model: org/b, layer_range: [0, 4]}]
    parameters: {normalize: 0.5}
parameters: {weight: 1, density: 2}
`);
    at(issues, "parameters.density", /"density" = 2 for tensor .*Too big/);
    at(issues, "slices.0.parameters.normalize", /"normalize" = 0.5 for tensor .*expected boolean/);
    // Once, not once per model.
    expect(issues.filter((i) => i.path.join(".") === "parameters.density")).toHaveLength(1);
  });
});

describe("planMerge coerces like mergekit, whose parameters are all floats", () => {
  it("0/1 for booleans and booleans for numbers", () => {
    const p = plan("merge_method: ties\nbase_model: org/base\nmodels: [{model: org/a, parameters: {weight: true}}]\nparameters: {normalize: 0, int8_mask: 1}\n");
    expect(p.steps[0].params).toEqual({ lambda: 1, normalize: false, int8_mask: true });
    expect(p.steps[0].perModel).toEqual([{ weight: 1, density: 1 }]);
    at(planIssues("merge_method: ties\nbase_model: org/base\nmodels: [{model: org/a, parameters: {weight: 1}}]\nparameters: {normalize: 0.5}\n"), "parameters.normalize", /expected boolean/);
  });
});

describe("checkRecipe (no models needed)", () => {
  it("finds method-level problems and passes the fixtures", () => {
    const issues = checkRecipe(parseRecipe("merge_method: ties\nmodels: [{model: org/a, parameters: {wieght: 1}}]\n", "x.yaml"), fakeMethods);
    expect(issues.map((i) => i.path.join("."))).toEqual(["models.0.parameters.wieght", "base_model"]);
    expect(issues[0].message).toMatch(/did you mean "weight"/);
    expect(checkRecipe(parseRecipe("merge_method: nope\nmodels: [{model: org/a}]\n", "x.yaml"), fakeMethods)[0].path).toEqual(["merge_method"]);
    for (const file of ["linear", "slerp", "ties", "dare-ties", "passthrough", "model-stock"]) {
      const r = parseRecipe(readFileSync(new URL(`../fixtures/recipe/${file}.yaml`, import.meta.url), "utf8"), file);
      expect(checkRecipe(r, fakeMethods), file).toEqual([]);
    }
  });
});
