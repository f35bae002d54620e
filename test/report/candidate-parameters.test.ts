import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MergeMethod } from "../../src/methods/define-merge-method.js";
import { mergeMethods } from "../../src/methods/registry.js";
import { candidateParameters, spaceSummary } from "../../src/report/index.js";
import { decodeCandidate, decodeValue, searchDimensions } from "../../src/search/index.js";
import { BASE_SPACE, space } from "../search/space-fixture.js";

const methods = mergeMethods as Readonly<Record<string, MergeMethod<unknown, unknown>>>;

/** Two experts, per-layer-group values over 4 layers, separate attention/MLP values, a searched flag and a fixed value. */
const GROUPED = BASE_SPACE.replace("methods: [ties]", "methods: [task_arithmetic, ties, dare_ties, linear]")
  .replace("  - model: ../models/b\n", "  - model: ../models/b\n    name: bee\n")
  .replace("objectives:", "  global:\n    normalize: [true, false]\n    lambda: 1.0\nlayer_granularity: 2\nnum_layers: 4\nfilters: [self_attn, mlp]\nobjectives:");

describe("candidateParameters", () => {
  it("reads back from the recipe exactly the genome's dimensions: same names, same decoded values", async () => {
    const s = await space(GROUPED);
    const summary = spaceSummary(GROUPED);
    expect(summary.issue).toBeUndefined();
    for (const name of s.methods) {
      const method = methods[name];
      const dims = searchDimensions(s, method);
      fc.assert(
        fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: dims.length, maxLength: dims.length }), (x) => {
          const got = candidateParameters(decodeCandidate(s, method, x), summary);
          expect(got.map((p) => p.name)).toEqual(dims.map((d) => d.name));
          expect(got.map((p) => p.value)).toEqual(dims.map((d, i) => decodeValue(d.spec, x[i])));
        }),
        { numRuns: 25 },
      );
    }
  });

  it("names models by their space label and leaves fixed parameters out", async () => {
    const s = await space(GROUPED);
    const params = candidateParameters(decodeCandidate(s, methods.ties, searchDimensions(s, methods.ties).map(() => 0.5)), spaceSummary(GROUPED));
    expect(params.map((p) => p.name)).toContain("weight.bee.self_attn.L2-3");
    expect(params.map((p) => p.name)).toContain("density.a.rest.L0-1");
    expect(params.some((p) => p.param === "lambda")).toBe(false);
    expect(params.find((p) => p.name === "weight.a.mlp.L0-1")).toMatchObject({ param: "weight", scope: "per_model", model: "a", spec: { kind: "range", lo: 0, hi: 1.5 } });
  });

  it("keeps every parameter, one per layer, models named by file, when the space cannot be read, and says why", async () => {
    const s = await space(GROUPED);
    const summary = spaceSummary("models: [unclosed");
    expect(summary.issue).toMatch(/not YAML/);
    const params = candidateParameters(decodeCandidate(s, methods.linear, searchDimensions(s, methods.linear).map(() => 0.25)), summary);
    expect(params.map((p) => p.name)).toEqual(expect.arrayContaining(["weight.a.self_attn.L0-0", "weight.b.rest.L3-3", "normalize"]));
    expect(spaceSummary("models: 3").issue).toMatch(/does not match this smelt's search-space format \(models: /);
  });
});
