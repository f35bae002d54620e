import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MergeInputError, UnknownMethodError, createRandom, getMergeMethod, mergeMethods } from "../../src/methods/index.js";
import { SmeltError } from "../../src/errors.js";

describe("merge method registry", () => {
  it("keys every method by its mergekit name and cites a paper", () => {
    expect(Object.keys(mergeMethods).sort()).toEqual(
      [
        "arcee_fusion", "breadcrumbs", "breadcrumbs_ties", "dare_linear", "dare_ties", "della", "della_linear",
        "karcher", "linear", "model_stock", "multislerp", "nearswap", "nuslerp", "passthrough", "ram",
        "ramplus_tl", "sce", "slerp", "task_arithmetic", "ties",
      ].sort(),
    );
    for (const [name, method] of Object.entries(mergeMethods)) {
      expect(method.name).toBe(name);
      expect(method.paper.title.length).toBeGreaterThan(0);
      expect(method.paper.url).toMatch(/^https:\/\//);
      expect(Object.isFrozen(method)).toBe(true);
    }
  });

  it("exports every parameter schema as JSON Schema for editor completion", () => {
    for (const method of Object.values(mergeMethods)) {
      const global = z.toJSONSchema(method.params, { io: "input" }) as { properties?: Record<string, { description?: string }> };
      for (const [key, prop] of Object.entries(global.properties ?? {})) expect(prop.description, `${method.name}.${key}`).toBeTruthy();
      expect(() => z.toJSONSchema(method.perModel, { io: "input" })).not.toThrow();
    }
    const ties = z.toJSONSchema(mergeMethods.ties.params, { io: "input" }) as { properties: Record<string, { default?: unknown }> };
    expect(ties.properties.normalize.default).toBe(true);
  });

  it("throws a typed error listing the known names for an unknown method", () => {
    const attempt = () => getMergeMethod("tie");
    expect(attempt).toThrow(UnknownMethodError);
    expect(attempt).toThrow(/unknown merge_method "tie".*ties/);
    try {
      attempt();
    } catch (error) {
      expect(error).toBeInstanceOf(SmeltError);
      expect((error as UnknownMethodError).known).toContain("task_arithmetic");
    }
  });

  it("does not resolve inherited object keys as methods", () => {
    expect(() => getMergeMethod("toString")).toThrow(UnknownMethodError);
  });

  it("accepts booleans as true/false or 1/0 and rejects other numbers", () => {
    const ties = getMergeMethod("ties");
    expect(ties.params.parse({ normalize: 0, rescale: 1 })).toMatchObject({ normalize: false, rescale: true });
    expect(ties.params.parse({ normalize: false })).toMatchObject({ normalize: false });
    expect(() => ties.params.parse({ normalize: 0.5 })).toThrow();
  });

  it("requires a weight where mergekit does", () => {
    expect(() => getMergeMethod("task_arithmetic").perModel.parse({ density: 0.5 })).toThrow();
    expect(() => getMergeMethod("slerp").params.parse({})).toThrow();
  });

  it("passthrough copies its single input, optionally scaled", () => {
    const method = getMergeMethod("passthrough");
    const x = Float32Array.from([1, -2, 3]);
    const call = (scale?: number) =>
      method.merge({
        tensorName: "t",
        shape: [3],
        tensors: [x],
        perModel: [method.perModel.parse(scale === undefined ? {} : { scale })],
        base: undefined,
        params: method.params.parse({}),
        random: createRandom(0),
      });
    expect(call()).toEqual(x);
    expect(call()).not.toBe(x);
    expect(call(0.5)).toEqual(Float32Array.from([0.5, -1, 1.5]));
    expect(() =>
      method.merge({ tensorName: "t", shape: [3], tensors: [x, x], perModel: [{}, {}], base: undefined, params: {}, random: createRandom(0) }),
    ).toThrow(MergeInputError);
  });
});
