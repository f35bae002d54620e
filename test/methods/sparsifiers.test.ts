import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MergeInputError, createRandom, getMergeMethod } from "../../src/methods/index.js";
import { sparsifyMagnitude } from "../../src/methods/sparsify-magnitude.js";
import { sparsifyOutliers } from "../../src/methods/sparsify-outliers.js";
import { dellaKeepProbabilities } from "../../src/methods/sparsify-della.js";

/** Stable ascending order of |x| (index breaks ties): the order a reference sort would give. */
const ascending = (values: Float32Array) => Array.from(values.keys()).sort((a, b) => Math.abs(values[a]) - Math.abs(values[b]) || b - a);

// Few distinct magnitudes, so ties at the cuts are common.
const valuesArb = fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 1, maxLength: 300 }).map((a) => Float32Array.from(a, (v) => v * 0.5 + (v === 0 ? 0 : 0.125)));
const where = { method: "ties", tensor: "t" };

describe("sparsifyMagnitude", () => {
  it("keeps exactly trunc(density * n) entries, the largest magnitudes", () => {
    fc.assert(
      fc.property(valuesArb.filter((v) => v.every((x) => x !== 0)), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (values, density) => {
        const k = Math.trunc(density * values.length);
        fc.pre(k > 0);
        const out = Float32Array.from(values);
        sparsifyMagnitude(out, density, where);
        const kept = out.reduce((c, v) => c + (v !== 0 ? 1 : 0), 0);
        expect(kept).toBe(k);
        const smallestKept = Math.min(...Array.from(out).filter((v) => v !== 0).map(Math.abs));
        const largestDropped = Math.max(0, ...Array.from(values).filter((_, i) => out[i] === 0).map(Math.abs));
        expect(smallestKept).toBeGreaterThanOrEqual(largestDropped);
      }),
    );
  });

  it("computes k in float64 (0.29 * 100 -> 28) and refuses k = 0", () => {
    const values = Float32Array.from({ length: 100 }, (_, i) => i + 1);
    sparsifyMagnitude(values, 0.29, where);
    expect(values.filter((v) => v !== 0).length).toBe(28);
    expect(() => sparsifyMagnitude(Float32Array.from([1, 2, 3]), 0.3, where)).toThrow(MergeInputError);
  });
});

describe("sparsifyOutliers (breadcrumbs)", () => {
  it("keeps ascending sorted positions [nBot, n - nTop), nothing when the top cut is 0", () => {
    fc.assert(
      fc.property(valuesArb, fc.double({ min: 0, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), (values, density, gamma) => {
        const n = values.length;
        const keep = Math.trunc(density * n);
        let nTop = Math.trunc(gamma * n);
        const nBot = Math.max(0, n - keep - nTop);
        if (n - keep - nTop < 0) nTop += n - keep - nTop;
        // Reference: a sort ascending where, among equal magnitudes, higher indices come first,
        // so that the top of the order breaks ties by lowest index like the selector.
        const order = ascending(values);
        const expected = new Float32Array(n);
        if (nTop > 0) for (const i of order.slice(nBot, n - nTop)) expected[i] = values[i];
        const out = Float32Array.from(values);
        sparsifyOutliers(out, density, gamma);
        expect(Array.from(out)).toEqual(Array.from(expected));
      }),
    );
  });

  it("ignores gamma at density 1", () => {
    const values = Float32Array.from([3, -1, 2, 5]);
    sparsifyOutliers(values, 1, 0.5);
    expect(Array.from(values)).toEqual([3, -1, 2, 5]);
  });
});

describe("dellaKeepProbabilities", () => {
  it("ranks each row by magnitude, spreading probabilities linearly with mean density", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 40 }), fc.double({ min: 0.2, max: 0.8, noNaN: true }), (rows, cols, density) => {
        const epsilon = 0.1;
        const delta = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 12.9898) * 3);
        const probs = dellaKeepProbabilities(delta, [rows, cols], density, epsilon);
        for (let r = 0; r < rows; r++) {
          const row = delta.subarray(r * cols, (r + 1) * cols);
          const order = Array.from(row.keys()).sort((a, b) => Math.abs(row[a]) - Math.abs(row[b]) || a - b);
          order.forEach((i, rank) => expect(probs[r * cols + i]).toBeCloseTo(density - epsilon + (2 * epsilon * rank) / (cols - 1), 12));
          const mean = order.reduce((s, i) => s + probs[r * cols + i], 0) / cols;
          expect(mean).toBeCloseTo(density, 12);
        }
      }),
    );
  });
});

describe("task-vector merges reusing scratch buffers", () => {
  it("give the same bits when called again after a larger and a smaller tensor", () => {
    const make = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.01);
    for (const name of ["ties", "dare_ties", "breadcrumbs", "della"] as const) {
      const method = getMergeMethod(name);
      const run = (n: number) =>
        method.merge({
          tensorName: "t",
          shape: [n / 10, 10],
          base: make(n, 0),
          tensors: [make(n, 1), make(n, 2), make(n, 3)],
          perModel: [1, 2, 3].map((s) => method.perModel.parse({ weight: 0.3 * s, density: 0.4 })) as never,
          params: method.params.parse({}) as never,
          random: createRandom(5),
        });
      const first = run(500);
      run(2000);
      run(100);
      expect(run(500), name).toEqual(first);
    }
  });
});
