import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RecipeError, type Issue } from "../../src/errors.js";
import { parseRecipe, safeParseRecipe } from "../../src/recipe/parse-recipe.js";

const dir = new URL("../fixtures/recipe/", import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".yaml"));

function issuesOf(yamlText: string): Issue[] {
  const r = safeParseRecipe(yamlText, "test.yaml");
  if (r.success) throw new Error("expected the recipe to be rejected");
  expect(r.error).toBeInstanceOf(RecipeError);
  return [...r.error.issues];
}

function at(issues: Issue[], path: string): Issue {
  const found = issues.find((i) => i.path.join(".") === path);
  if (found === undefined) throw new Error(`no issue at ${path}; got:\n${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n")}`);
  return found;
}

describe("parseRecipe accepts mergekit's documented recipes", () => {
  it("has the fixtures", () => expect(fixtures.length).toBeGreaterThanOrEqual(6));
  for (const file of fixtures) {
    it(file, () => {
      const recipe = parseRecipe(readFileSync(new URL(file, dir), "utf8"), file);
      expect(recipe.merge_method.length).toBeGreaterThan(0);
      expect((recipe.models?.length ?? 0) + (recipe.slices?.length ?? 0)).toBeGreaterThan(0);
    });
  }

  it("keeps values as written: gradients, filters, refs, seed", () => {
    const slerp = parseRecipe(readFileSync(new URL("slerp.yaml", dir), "utf8"), "slerp.yaml");
    expect(slerp.parameters?.t).toEqual([
      { filter: "self_attn", value: [0, 0.5, 0.3, 0.7, 1] },
      { filter: "mlp", value: [1, 0.5, 0.7, 0.3, 0] },
      { value: 0.5 },
    ]);
    expect(slerp.slices?.[0].sources[1]).toEqual({ model: "garage-bAInd/Platypus2-13B", layer_range: [0, 40] });
    const dare = parseRecipe(readFileSync(new URL("dare-ties.yaml", dir), "utf8"), "dare-ties.yaml");
    expect(dare.seed).toBe(42);
    expect(dare.models?.[0]).toEqual({ model: "mistralai/Mistral-7B-v0.1" });
    const stock = parseRecipe(readFileSync(new URL("model-stock.yaml", dir), "utf8"), "model-stock.yaml");
    expect(stock.models?.[2].model).toBe("meta-llama/Llama-2-7b-hf+./adapters/chat-lora");
    expect(stock.tokenizer).toEqual({ source: "base" });
  });
});

describe("parseRecipe reports every problem at once, with paths", () => {
  it("lists typos, bad values and missing keys together", () => {
    const issues = issuesOf(`
merge_metod: ties
base_model: base/model
models:
  - model: a/one
    parameters:
      weight: fast
  - model: b/two
    paramters:
      weight: 0.5
  - modle: c/three
parameters:
  density: [0.2, "x"]
dtype: float8
`);
    expect(at(issues, "merge_metod").message).toMatch(/unknown key "merge_metod"; did you mean "merge_method"\?/);
    expect(at(issues, "merge_method").message).toMatch(/missing required/);
    expect(at(issues, "models.0.parameters.weight").message).toMatch(/expected a number, a boolean, a list of numbers.*got string "fast"/);
    expect(at(issues, "models.1.paramters").message).toMatch(/did you mean "parameters"/);
    expect(at(issues, "models.2.modle").message).toMatch(/did you mean "model"/);
    expect(at(issues, "parameters.density").message).toMatch(/all numbers \(a gradient\)/);
    expect(at(issues, "dtype").message).toMatch(/unknown dtype "float8"; use one of float32/);
    expect(issues.length).toBeGreaterThanOrEqual(7);
  });

  it("formats issues as ✖ message / → at path, with the line", () => {
    try {
      parseRecipe("merge_method: linear\nmodels:\n  - model: a/b\n    parameters:\n      weight: [1, 2, true]\n", "r.yaml");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RecipeError);
      const msg = (e as RecipeError).message;
      expect(msg).toContain("r.yaml is not valid:");
      expect(msg).toMatch(/✖ .*\(line 5\)\n {2}→ at models\.0\.parameters\.weight/);
    }
  });

  it("looks inside filter lists", () => {
    const issues = issuesOf(`
merge_method: slerp
base_model: a/b
models: [{model: a/b}, {model: c/d}]
parameters:
  t:
    - filtr: mlp
      value: 0.3
    - filter: self_attn
    - value: [0, "1"]
`);
    expect(at(issues, "parameters.t.0.filtr").message).toMatch(/did you mean "filter"/);
    expect(at(issues, "parameters.t.1.value").message).toMatch(/missing required/);
    expect(issues.some((i) => i.path.join(".").startsWith("parameters.t.2.value"))).toBe(true);
  });

  it("rejects a lone {filter, value} mapping with a hint to make it a list", () => {
    const issues = issuesOf("merge_method: linear\nmodels: [{model: a/b}]\nparameters:\n  weight: {filter: mlp, value: 1}\n");
    expect(at(issues, "parameters.weight").message).toMatch(/must be an item of a list/);
  });

  it("cross-field rules: models and slices, tokenizer, union, duplicates, layer ranges", () => {
    const issues = issuesOf(`
merge_method: passthrough
models: [{model: a/b}, {model: a/b}]
slices:
  - sources:
      - {model: a/b, layer_range: [4, 2]}
      - {model: c/d, layer_range: [0, 2], base_model: x/y}
tokenizer_source: union
tokenizer: {source: base, tokens: {}}
`);
    expect(at(issues, "slices").message).toMatch(/either `models`.*or `slices`/);
    expect(at(issues, "models.1.model").message).toMatch(/listed twice/);
    expect(at(issues, "slices.0.sources.0.layer_range").message).toMatch(/end > first/);
    expect(at(issues, "slices.0.sources.1.base_model").message).toMatch(/per-slice `base_model` is not supported/);
    expect(at(issues, "tokenizer_source").message).toMatch(/"union" is not supported/);
    expect(at(issues, "tokenizer").message).toMatch(/not both/);
    expect(at(issues, "tokenizer.tokens").message).toMatch(/not supported/);
    expect(at(issues, "tokenizer.source").message).toMatch(/needs a base_model/);
  });

  it("rejects malformed model references and needs models or slices", () => {
    const issues = issuesOf("merge_method: linear\nbase_model: 'org/na me'\n");
    expect(at(issues, "base_model").message).toMatch(/neither a Hub repository/);
    expect(at(issues, "").message).toMatch(/needs `models`.*or `slices`/);
  });

  it("reports YAML syntax errors with line and column", () => {
    const issues = issuesOf("merge_method: linear\nmodels:\n  - model: a/b\n   parameters: [1, 2\n");
    expect(issues[0].message).toMatch(/^YAML syntax error: .*\(line \d+, column \d+\)/);
    expect(issuesOf("a: 1\na: 2\n")[0].message).toMatch(/YAML syntax error: .*unique/i);
  });

  it("rejects empty and non-mapping documents", () => {
    expect(issuesOf("")[0].message).toMatch(/empty/);
    expect(issuesOf("- a\n- b\n")[0].message).toMatch(/must be a YAML mapping/);
  });

  it("bounds alias expansion", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${new Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    expect(() => parseRecipe(bomb.join("\n"), "bomb.yaml")).toThrow();
  });
});
