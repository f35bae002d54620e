import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { recipeSchema } from "../../src/recipe/recipe-schema.js";
import { resolveParameter } from "../../src/recipe/resolve-parameter.js";

interface Precedence {
  config: unknown;
  queries: { model: string; tensor: string; parameter: string; t: number; value: number }[];
}
const { precedence } = JSON.parse(readFileSync(new URL("../fixtures/recipe/params.json", import.meta.url), "utf8")) as {
  precedence: Precedence;
};

describe("precedence (params.json)", () => {
  const recipe = recipeSchema.parse(precedence.config);
  const slice = recipe.slices![0];
  for (const q of precedence.queries) {
    it(`${q.parameter} of ${q.model} for ${q.tensor}`, () => {
      const source = slice.sources.find((s) => s.model === q.model);
      const v = resolveParameter(q.parameter, { model: source?.parameters, slice: slice.parameters, top: recipe.parameters }, q.tensor, q.t);
      expect(v).toBe(q.value);
    });
  }
});

describe("resolveParameter", () => {
  it("model scope beats slice beats top level; unmatched filters fall through, not to the default", () => {
    const scopes = {
      model: { weight: [{ filter: "mlp", value: 0.9 }] },
      slice: { weight: [{ filter: "self_attn", value: 0.33 }] },
      top: { weight: 0.11 },
    };
    expect(resolveParameter("weight", scopes, "model.layers.0.mlp.up_proj.weight", 0)).toBe(0.9);
    expect(resolveParameter("weight", scopes, "model.layers.0.self_attn.k_proj.weight", 0)).toBe(0.33);
    expect(resolveParameter("weight", scopes, "model.norm.weight", 0)).toBe(0.11);
    expect(resolveParameter("density", scopes, "model.norm.weight", 0)).toBeUndefined();
    expect(resolveParameter("weight", { slice: { weight: [{ filter: "x", value: 1 }] } }, "model.norm.weight", 0)).toBeUndefined();
  });
});
