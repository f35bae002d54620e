import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecipeError } from "../../src/errors.js";
import type { MergeMethod } from "../../src/methods/define-merge-method.js";
import { mergeMethods } from "../../src/methods/registry.js";
import { checkRecipe } from "../../src/recipe/check-recipe.js";
import { parseRecipe } from "../../src/recipe/parse-recipe.js";
import { planMerge } from "../../src/recipe/plan-merge.js";
import { recipeToYaml } from "../../src/recipe/recipe-to-yaml.js";
import { createSearchOptimiser } from "../../src/search/create-search-optimiser.js";
import { decodeCandidate, decodeValue } from "../../src/search/decode-candidate.js";
import { encodeDefaults } from "../../src/search/encode-defaults.js";
import { searchDimensions } from "../../src/search/search-dimensions.js";
import { withNumLayers, type SearchSpace } from "../../src/search/search-space.js";
import { llamaTensors, modelSet } from "../recipe/fake-models.js";
import { BASE_SPACE, space } from "./space-fixture.js";

const methods = mergeMethods as Readonly<Record<string, MergeMethod<unknown, unknown>>>;
const LAYERS = 4;

/** Two experts and a base over the toy methods, per-layer-group values, separate attention/MLP values, a searched flag. */
const GROUPED = BASE_SPACE.replace("methods: [ties]", "methods: [task_arithmetic, ties, dare_ties, linear, slerp]")
  .replace("  - model: ../models/b\n", "")
  .replace("objectives:", "  global:\n    normalize: [true, false]\n    t: [0, 1]\nlayer_granularity: 2\nfilters: [self_attn, mlp]\nobjectives:");

function planFor(s: SearchSpace, recipe: ReturnType<typeof decodeCandidate>) {
  const refs = [...s.models.map((m) => m.model), ...(s.base_model ? [s.base_model] : [])];
  return planMerge(recipe, modelSet(Object.fromEntries(refs.map((r) => [r, llamaTensors(LAYERS)]))), methods, "candidate");
}

describe("searchDimensions", () => {
  it("lays the genome out as parameter x model x filter x layer group; choices take one coordinate", async () => {
    const s = withNumLayers(await space(GROUPED), LAYERS);
    const ties = searchDimensions(s, methods.ties).map((d) => d.name);
    expect(ties).toHaveLength(2 * 1 * 3 * 2 + 1);
    expect(ties.slice(0, 6)).toEqual([
      "weight.a.self_attn.L0-1",
      "weight.a.self_attn.L2-3",
      "weight.a.mlp.L0-1",
      "weight.a.mlp.L2-3",
      "weight.a.rest.L0-1",
      "weight.a.rest.L2-3",
    ]);
    expect(ties.at(-1)).toBe("normalize");
    // task_arithmetic ignores density; linear has no density; slerp takes only t.
    expect(searchDimensions(s, methods.task_arithmetic).map((d) => d.param)).toEqual([...new Array(6).fill("weight"), "normalize"]);
    expect(searchDimensions(s, methods.linear)).toHaveLength(7);
    expect(searchDimensions(s, methods.slerp).map((d) => d.param)).toEqual(new Array(6).fill("t"));
  });

  it("needs num_layers when layer_granularity is set", async () => {
    const s = await space(GROUPED);
    expect(() => searchDimensions(s, methods.ties)).toThrow(RecipeError);
    expect(() => searchDimensions(s, methods.ties)).toThrow(/withNumLayers/);
  });

  it("without groups or filters: one scalar per model and parameter", async () => {
    const s = await space(BASE_SPACE);
    expect(searchDimensions(s, methods.ties).map((d) => d.name)).toEqual(["weight.a", "weight.b", "density.a", "density.b"]);
  });
});

describe("decodeCandidate", () => {
  it("produces valid recipes for every method: round trip through YAML, checkRecipe and planMerge", async () => {
    const s = withNumLayers(await space(GROUPED), LAYERS);
    for (const name of s.methods) {
      const method = methods[name];
      const n = searchDimensions(s, method).length;
      fc.assert(
        fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }), (x) => {
          const recipe = decodeCandidate(s, method, x);
          expect(parseRecipe(recipeToYaml(recipe), "candidate.yaml")).toEqual(recipe);
          expect(checkRecipe(recipe, methods)).toEqual([]);
          expect(planFor(s, recipe).steps.length).toBeGreaterThan(0);
        }),
        { numRuns: 15 },
      );
    }
  });

  it("puts each coordinate on exactly the tensors of its model, filter and layer group", async () => {
    const s = withNumLayers(await space(GROUPED), LAYERS);
    const dims = searchDimensions(s, methods.dare_ties);
    const x = dims.map((_, i) => (i + 1) / (dims.length + 1));
    const recipe = decodeCandidate(s, methods.dare_ties, x);
    expect(recipe.seed).toBe(0); // stochastic: the space's seed, the same for every candidate
    expect(recipe.base_model).toBe(s.base_model);
    const plan = planFor(s, recipe);
    const valueOf = (name: string) => {
      const i = dims.findIndex((d) => d.name === name);
      return decodeValue(dims[i].spec, x[i]);
    };
    const perModel = (tensor: string) => plan.steps.find((st) => st.output === tensor)?.perModel[0];
    expect(perModel("model.layers.3.mlp.up_proj.weight")?.weight).toBeCloseTo(valueOf("weight.a.mlp.L2-3") as number, 12);
    expect(perModel("model.layers.1.self_attn.q_proj.weight")?.density).toBeCloseTo(valueOf("density.a.self_attn.L0-1") as number, 12);
    expect(perModel("model.layers.2.input_layernorm.weight")?.weight).toBeCloseTo(valueOf("weight.a.rest.L2-3") as number, 12);
    // Embeddings sit at t = 0: the first group's "rest" value.
    expect(perModel("model.embed_tokens.weight")?.weight).toBeCloseTo(valueOf("weight.a.rest.L0-1") as number, 12);
    expect(plan.steps[0].params.normalize).toBe(valueOf("normalize"));
  });

  it("maps ranges linearly and choices by equal intervals; linear gets no base, slerp one", async () => {
    const s = await space(BASE_SPACE.replace("methods: [ties]", "methods: [ties, linear]").replace("objectives:", "  global:\n    normalize: [true, false]\nobjectives:"));
    const ties = decodeCandidate(s, methods.ties, [0, 1, 0.5, 0.25, 0.49]);
    expect(ties.models?.map((m) => m.parameters)).toEqual([
      { weight: 0, density: 0.2 + 0.5 * 0.8 },
      { weight: 1.5, density: 0.2 + 0.25 * 0.8 },
    ]);
    expect(ties.parameters).toEqual({ normalize: true });
    expect(decodeCandidate(s, methods.ties, [0, 0, 0, 0, 0.5]).parameters).toEqual({ normalize: false });
    expect(decodeCandidate(s, methods.ties, [0, 0, 0, 0, 1]).parameters).toEqual({ normalize: false });
    expect(ties.seed).toBeUndefined();
    const linear = decodeCandidate(s, methods.linear, [0.5, 0.5, 0]);
    expect(linear.base_model).toBeUndefined();
    expect(linear.models?.map((m) => m.parameters)).toEqual([{ weight: 0.75 }, { weight: 0.75 }]);
    expect(() => decodeCandidate(s, methods.ties, [0, 0])).toThrow(/has 5 dimensions; the candidate has 2/);
    expect(() => decodeCandidate(s, methods.ties, [0, 0, 0, 0, 1.5])).toThrow(/lie in \[0, 1\]/);
  });
});

describe("encodeDefaults", () => {
  it("starts at init, else the method default inside the range, else the middle", async () => {
    const s = await space(
      BASE_SPACE.replace("weight: [0, 1.5]", "weight: {range: [0, 2], init: 0.5}").replace("objectives:", "  global:\n    normalize: [false, true]\n    lambda: [0.5, 2]\nobjectives:"),
    );
    // weight init 0.5 of [0, 2]; density default 1 = top of [0.2, 1]; normalize default true = 2nd of 2 choices; lambda default 1.
    expect(encodeDefaults(s, methods.ties)).toEqual([0.25, 0.25, 1, 1, 0.75, (1 - 0.5) / 1.5]);
    const recipe = decodeCandidate(s, methods.ties, encodeDefaults(s, methods.ties));
    expect(recipe.models?.[0].parameters).toEqual({ weight: 0.5, density: 1 });
    expect(recipe.parameters).toEqual({ normalize: true, lambda: 1 });
  });

  it("seeds the search optimiser, whose candidates all decode", async () => {
    const s = withNumLayers(await space(GROUPED), LAYERS);
    const opt = createSearchOptimiser(s);
    const first = opt.ask();
    expect(new Set(first.map((c) => c.method))).toEqual(new Set(s.methods));
    for (const c of first) expect(() => planFor(s, decodeCandidate(s, methods[c.method], c.x))).not.toThrow();
  });
});
