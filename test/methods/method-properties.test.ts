import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom, getMergeMethod, type AnyMergeMethod, type MergeInput } from "../../src/methods/index.js";

/** Invariants every implementation must keep, checked on random small tensors (house style §12). */

const values = (n: number) =>
  fc.float32Array({ minLength: n, maxLength: n, min: -4, max: 4, noNaN: true, noDefaultInfinity: true });

/** `count` same-length tensors plus a base, length 1..48. */
const tensorsArb = (count: number) =>
  fc.integer({ min: 1, max: 48 }).chain((n) => fc.record({ base: values(n), models: fc.array(values(n), { minLength: count, maxLength: count }) }));

function run(
  name: string,
  models: readonly Float32Array[],
  base: Float32Array | undefined,
  global: Record<string, unknown>,
  perModel: readonly Record<string, unknown>[],
  seed: number | string = 1,
): Float32Array {
  const method: AnyMergeMethod = getMergeMethod(name);
  const input: MergeInput<unknown, unknown> = {
    tensorName: "model.layers.0.mlp.up_proj.weight",
    shape: [models[0].length],
    tensors: models,
    perModel: perModel.map((p) => method.perModel.parse(p)),
    base,
    params: method.params.parse(global),
    random: createRandom(seed),
  };
  return method.merge(input);
}

function expectClose(actual: Float32Array, expected: Float32Array, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= tol * scale)) {
      throw new Error(`element ${i}: ${actual[i]} vs ${expected[i]}`);
    }
  }
}

describe("merge method invariants", () => {
  it("linear with a single weight-1 model is the identity", () => {
    fc.assert(
      fc.property(tensorsArb(1), fc.boolean(), ({ models }, normalize) => {
        // Exact up to the sign of zero (0 + -0 is +0).
        expectClose(run("linear", models, undefined, { normalize }, [{ weight: 1 }]), models[0], 0);
      }),
    );
  });

  it("slerp at t = 0 returns the base and at t = 1 the model", () => {
    fc.assert(
      fc.property(tensorsArb(1), ({ base, models }) => {
        expectClose(run("slerp", models, base, { t: 0 }, [{}]), base, 1e-6);
        expectClose(run("slerp", models, base, { t: 1 }, [{}]), models[0], 1e-6);
      }),
    );
  });

  it("dare_linear, della_linear and breadcrumbs at density 1 equal task_arithmetic", () => {
    fc.assert(
      fc.property(tensorsArb(3), fc.array(fc.double({ min: 0.1, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }), fc.boolean(), ({ base, models }, weights, normalize) => {
        const expected = run("task_arithmetic", models, base, { normalize }, weights.map((weight) => ({ weight })));
        for (const name of ["dare_linear", "della_linear", "breadcrumbs"]) {
          expectClose(run(name, models, base, { normalize }, weights.map((weight) => ({ weight, density: 1 }))), expected);
        }
      }),
    );
  });

  it("dare_ties, della and breadcrumbs_ties at density 1 equal ties at density 1", () => {
    fc.assert(
      fc.property(tensorsArb(3), fc.array(fc.double({ min: -1, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }), fc.boolean(), ({ base, models }, weights, normalize) => {
        const expected = run("ties", models, base, { normalize }, weights.map((weight) => ({ weight, density: 1 })));
        for (const name of ["dare_ties", "della", "breadcrumbs_ties"]) {
          expectClose(run(name, models, base, { normalize }, weights.map((weight) => ({ weight, density: 1 }))), expected);
        }
      }),
    );
  });

  it("ties with one model at density 1 is normalized task arithmetic", () => {
    fc.assert(
      fc.property(tensorsArb(1), fc.double({ min: 0.1, max: 3, noNaN: true }), ({ base, models }, weight) => {
        expectClose(run("ties", models, base, {}, [{ weight }]), run("task_arithmetic", models, base, { normalize: true }, [{ weight }]));
      }),
    );
  });

  const everyMethod: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ["linear", {}, { weight: 0.5 }],
    ["slerp", { t: 0.3 }, {}],
    ["nuslerp", {}, { weight: 0.5 }],
    ["multislerp", {}, { weight: 0.5 }],
    ["karcher", {}, {}],
    ["task_arithmetic", {}, { weight: 0.5 }],
    ["ties", {}, { weight: 0.5, density: 0.5 }],
    ["dare_linear", {}, { weight: 0.5, density: 0.5 }],
    ["dare_ties", {}, { weight: 0.5, density: 0.5 }],
    ["della", {}, { weight: 0.5, density: 0.5 }],
    ["della_linear", {}, { weight: 0.5, density: 0.5 }],
    ["breadcrumbs", {}, { weight: 0.5, density: 0.5 }],
    ["breadcrumbs_ties", {}, { weight: 0.5, density: 0.5 }],
    ["sce", { select_topk: 0.5 }, {}],
    ["model_stock", {}, {}],
    ["nearswap", { t: 0.1 }, {}],
    ["arcee_fusion", {}, {}],
    ["ram", {}, {}],
    ["ramplus_tl", {}, {}],
  ];

  it.each(everyMethod)("%s returns the input when every input (base included) is the same tensor", (name, global, per) => {
    const method = getMergeMethod(name);
    const [min, max] = method.models;
    const count = Math.min(Math.max(2, min), max);
    fc.assert(
      fc.property(values(24), (x) => {
        const models = Array.from({ length: count }, () => Float32Array.from(x));
        const out = run(name, models, method.base === "input" ? undefined : Float32Array.from(x), global, models.map(() => per));
        expectClose(out, x);
      }),
      { numRuns: 30 },
    );
  });

  it.each([
    ["linear", {}, { weight: 0.7 }],
    ["nuslerp", {}, { weight: 0.7 }],
    ["multislerp", {}, { weight: 0.7 }],
    ["karcher", {}, {}],
    ["task_arithmetic", { normalize: true }, { weight: 0.7 }],
    ["ties", {}, { weight: 0.7, density: 1 }],
    ["sce", {}, {}],
    ["model_stock", {}, {}],
  ] as [string, Record<string, unknown>, Record<string, unknown>][])(
    "%s returns identical fine-tunes unchanged even when the base differs",
    (name, global, per) => {
      fc.assert(
        fc.property(values(24), values(24), (x, b) => {
          const method = getMergeMethod(name);
          // Keep every delta clear of zero so offsets and signs are well defined.
          const base = Float32Array.from(b, (v, i) => (Math.abs(v - x[i]) < 0.01 ? x[i] - 0.5 : v));
          const models = [Float32Array.from(x), Float32Array.from(x)];
          expectClose(run(name, models, method.base === "input" ? undefined : base, global, [per, per]), x, 2e-5);
        }),
        { numRuns: 30 },
      );
    },
  );

  it.each(["dare_linear", "dare_ties", "della", "della_linear"])("%s is byte-identical for the same seed", (name) => {
    fc.assert(
      fc.property(tensorsArb(2), fc.integer(), ({ base, models }, seed) => {
        const per = [{ weight: 0.6, density: 0.4 }, { weight: 0.5, density: 0.6 }];
        const first = run(name, models, base, {}, per, seed);
        const second = run(name, models, base, {}, per, seed);
        expect(Buffer.from(first.buffer)).toEqual(Buffer.from(second.buffer));
      }),
      { numRuns: 30 },
    );
  });

  it("dare draws different masks for different seeds", () => {
    const base = new Float32Array(4096);
    const model = Float32Array.from({ length: 4096 }, (_, i) => 1 + (i % 7));
    const a = run("dare_linear", [model], base, {}, [{ weight: 1, density: 0.5 }], "seed-a");
    const b = run("dare_linear", [model], base, {}, [{ weight: 1, density: 0.5 }], "seed-b");
    expect(Buffer.from(a.buffer)).not.toEqual(Buffer.from(b.buffer));
  });
});
