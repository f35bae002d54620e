import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  evaluateGradient,
  evaluateSetting,
  filterMatches,
  layerPosition,
  NON_LAYER_POSITION,
} from "../../src/recipe/evaluate-setting.js";
import { paramValueSchema, type ParamValue } from "../../src/recipe/param-value.js";

/** mergekit's own outputs for gradients and filters (shared/conformance/params.json). */
interface ParamsJson {
  gradients: { value: number[]; num_layers: number; per_layer: { layer: number; t: number; value: number }[]; non_layer_tensors_value: number }[];
  filters: { value: unknown; t: number; results: { tensor: string; value: number | null }[] }[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/recipe/params.json", import.meta.url), "utf8")) as ParamsJson;

describe("gradients (params.json)", () => {
  for (const [k, g] of fixture.gradients.entries()) {
    it(`gradient ${k}: ${JSON.stringify(g.value)} over ${g.num_layers} layers`, () => {
      const value = paramValueSchema.parse(g.value);
      for (const p of g.per_layer) {
        const t = layerPosition(p.layer, g.num_layers);
        expect(t).toBe(p.t);
        // mergekit's arithmetic, same order: equal to the last bit.
        expect(evaluateSetting(value, "model.layers.0.mlp.up_proj.weight", t)).toBe(p.value);
      }
      expect(evaluateSetting(value, "model.embed_tokens.weight", NON_LAYER_POSITION)).toBe(g.non_layer_tensors_value);
    });
  }
});

describe("filters (params.json)", () => {
  for (const [k, f] of fixture.filters.entries()) {
    it(`filter list ${k} at t=${f.t}`, () => {
      const value = paramValueSchema.parse(f.value);
      for (const r of f.results) {
        expect(evaluateSetting(value, r.tensor, f.t) ?? null).toBe(r.value);
      }
    });
  }
});

describe("evaluateSetting", () => {
  it("one-layer slices sit at t = 1", () => {
    expect(layerPosition(0, 1)).toBe(1);
    expect(() => layerPosition(3, 3)).toThrow(RangeError);
  });

  it("filters are substrings, first match wins, '*' and missing filters match all", () => {
    expect(filterMatches("layers.1", "model.layers.12.mlp")).toBe(true);
    expect(filterMatches("layers.1.", "model.layers.12.mlp")).toBe(false);
    expect(filterMatches("*", "anything")).toBe(true);
    expect(filterMatches(null, "anything")).toBe(true);
    const v: ParamValue = [{ filter: "mlp", value: 1 }, { filter: "mlp.up", value: 2 }];
    expect(evaluateSetting(v, "model.layers.0.mlp.up_proj.weight", 0)).toBe(1);
    expect(evaluateSetting(v, "model.layers.0.self_attn.q_proj.weight", 0)).toBeUndefined();
  });

  it("a gradient passes through its points and stays between neighbours", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 8 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, t) => {
        const v = evaluateGradient(values, t);
        const s = t * (values.length - 1);
        const lo = values[Math.trunc(s)];
        const hi = values[Math.min(values.length - 1, Math.trunc(s) + 1)];
        expect(v).toBeGreaterThanOrEqual(Math.min(lo, hi) - 1e-12);
        expect(v).toBeLessThanOrEqual(Math.max(lo, hi) + 1e-12);
        values.forEach((x, i) => {
          if (values.length > 1) expect(evaluateGradient(values, i / (values.length - 1))).toBeCloseTo(x, 12);
        });
      }),
    );
  });
});
