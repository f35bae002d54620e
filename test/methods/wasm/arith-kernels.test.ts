import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDots, mix } from "../../../src/methods/slerp.js";
import { sumTaskVectors, sumTensorDeltas } from "../../../src/methods/sum-task-vectors.js";
import { tiesConsensus } from "../../../src/methods/ties-consensus.js";
import { weightedAverage } from "../../../src/methods/weighted-average.js";
import { resetKernelScratch } from "../../../src/methods/wasm/index.js";
import { simdTiesConsensus } from "../../../src/methods/wasm/simd-consensus.js";
import { simdAddDots } from "../../../src/methods/wasm/simd-dots.js";
import { simdMix, simdTaskVectorSum, simdWeightedSum } from "../../../src/methods/wasm/simd-sums.js";
import { seededRandom } from "../../helpers/seeded-random.js";
import { expectSameFloatBits, expectSameFloats, plainCopy } from "./float-bits.js";
import { NUM_RUNS, caseArb, hasNaN, kernelDoubles, kernelFloats, kernelOut, outcomes, scalarArb, useKernels, weightsOf } from "./kernel-cases.js";

/**
 * The arithmetic kernels (weighted sums, task-vector sums, TIES consensus, slerp's mix and dot
 * products) against the TypeScript loops they twin, called directly: the same inputs in kernel
 * memory and as ordinary arrays (which the TypeScript loops get: the wrappers take only arrays in
 * kernel memory). A kernel either gives the loop's bits or declines, and declines exactly when
 * its contract says (a NaN output); the public functions on kernel arrays then give the loop's
 * result through their fallback.
 */

useKernels();

/**
 * A divisor or lambda: any scalar, or (more often) an ordinary one, exactly 1 included (which the
 * kernels skip): an infinite, huge or tiny one would hide the sum's bits.
 */
const factorArb = fc.oneof(scalarArb, fc.constantFrom(1, -1, 0.8, 1 / 3, -2.5), fc.double({ min: 0.1, max: 4, noNaN: true }));

describe("weighted-sum kernels", () => {
  it("weightedSum gives weightedAverage's bits for 1-256 models, declining exactly when an output is NaN", () => {
    const seen = outcomes("weightedSum");
    fc.assert(
      fc.property(caseArb, scalarArb, (c, divisor) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const tensors = Array.from({ length: c.models }, () => kernelFloats(c.n, r, c.mix));
        const weights = weightsOf(c, r);
        const expected = weightedAverage(tensors.map(plainCopy), weights, divisor);
        const out = kernelOut(c.n);
        const done = simdWeightedSum(tensors, weights, divisor, out);
        seen.record(done);
        expect(done).toBe(!hasNaN(expected));
        if (done) expectSameFloatBits(out, expected, "weightedSum");
        expectSameFloats(weightedAverage(tensors, weights, divisor, kernelOut(c.n)), expected, "weightedAverage on kernel arrays");
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });

  for (const implicit of [false, true]) {
    const name = implicit ? "sumTensorDeltas" : "sumTaskVectors";
    it(`${name}'s kernel gives its bits for 1-256 models, declining exactly when an output is NaN`, () => {
      const seen = outcomes(name);
      fc.assert(
        fc.property(caseArb, factorArb, factorArb, (c, divisor, lambda) => {
          resetKernelScratch();
          const r = seededRandom(c.seed);
          const vectors = Array.from({ length: c.models }, () => kernelFloats(c.n, r, c.mix));
          const base = kernelFloats(c.n, r, c.mix);
          const sum = { weights: weightsOf(c, r), divisor, lambda };
          // Rescale factors: all 1 (nothing rescaled), or arbitrary values.
          const scales = r.next() < 0.3 ? sum.weights.map(() => 1) : weightsOf(c, r);
          const run = (v: readonly Float32Array[], b: Float32Array, dst?: Float32Array) => (implicit ? sumTensorDeltas(v, sum, b, dst) : sumTaskVectors(v, scales, sum, b, dst));
          const expected = run(vectors.map(plainCopy), plainCopy(base));
          const out = kernelOut(c.n);
          const done = simdTaskVectorSum(vectors, implicit ? undefined : scales, sum, base, out);
          seen.record(done);
          expect(done).toBe(!hasNaN(expected));
          if (done) expectSameFloatBits(out, expected, name);
          expectSameFloats(run(vectors, base, kernelOut(c.n)), expected, `${name} on kernel arrays`);
        }),
        { numRuns: NUM_RUNS },
      );
      seen.expectBoth();
    });
  }

  it("decline more tensors than their tables hold (256)", () => {
    resetKernelScratch();
    const r = seededRandom(3);
    const mix = { edge: 0, nonFinite: 0 };
    const tensors = Array.from({ length: 257 }, () => kernelFloats(5, r, mix));
    const weights = tensors.map(() => 1);
    expect(simdWeightedSum(tensors.slice(0, 256), weights, 1, kernelOut(5))).toBe(true);
    expect(simdWeightedSum(tensors, weights, 1, kernelOut(5))).toBe(false);
    const sum = { weights, divisor: 1, lambda: 1 };
    expect(simdTaskVectorSum(tensors, weights, sum, tensors[0], kernelOut(5))).toBe(false);
    expect(simdTaskVectorSum(tensors, undefined, sum, tensors[0], kernelOut(5))).toBe(false);
  });
});

describe("TIES consensus kernel", () => {
  it("gives tiesConsensus's bits for 1-256 models, declining exactly for a NaN output", () => {
    const seen = outcomes("tiesConsensus");
    fc.assert(
      fc.property(caseArb, fc.boolean(), scalarArb, (c, normalize, lambda) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const deltas = Array.from({ length: c.models }, () => kernelFloats(c.n, r, c.mix));
        const base = kernelFloats(c.n, r, c.mix);
        const w = weightsOf(c, r);
        // Rescale factors: all 1 (no rescale), ordinary factors, or any values.
        const choice = r.next();
        const scales = choice < 0.3 ? w.map(() => 1) : choice < 0.6 ? w.map(() => 1 + r.next() * 2) : weightsOf(c, r);
        const expected = tiesConsensus(deltas.map(plainCopy), w, scales, plainCopy(base), normalize, lambda);
        const out = kernelOut(c.n);
        const done = simdTiesConsensus(deltas, w, scales, base, normalize, lambda, out);
        seen.record(done);
        // Non-finite deltas, weights or totals are fine: only a NaN output (whose bits SIMD does not fix) declines.
        expect(done).toBe(!hasNaN(expected));
        if (done) expectSameFloatBits(out, expected, "tiesConsensus");
        expectSameFloats(tiesConsensus(deltas, w, scales, base, normalize, lambda, kernelOut(c.n)), expected, "tiesConsensus on kernel arrays");
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });

  it("gives tiesConsensus's bits in its two- and three-model loops on cancelling values, zero and opposite weights", () => {
    // Few magnitudes, zeros of both signs and weights that cancel: zero totals, zero divisors
    // (w[a] + w[b] = 0) and every agreement pattern occur in almost every case.
    const pool = [0, -0, 0.5, -0.5, 1, -1, 0.25, -3];
    const weightPool = [0, -0, 1, -1, 0.5, -0.5, 2];
    let zeroDivisors = 0;
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(2, 3), fc.integer({ min: 0, max: 64 }), fc.boolean(), fc.constantFrom(1, 0.7, -2), (seed, models, n, normalize, lambda) => {
        resetKernelScratch();
        const r = seededRandom(seed);
        const pick = (from: readonly number[]) => from[r.int(0, from.length - 1)];
        const filled = (f: () => number) => {
          const a = kernelOut(n);
          for (let i = 0; i < n; i++) a[i] = f();
          return a;
        };
        const deltas = Array.from({ length: models }, () => filled(() => pick(pool)));
        const base = filled(() => (r.next() < 0.5 ? pick(pool) : r.next() * 4 - 2));
        const w = Array.from({ length: models }, () => pick(weightPool));
        const scales = r.next() < 0.5 ? w.map(() => 1) : Array.from({ length: models }, () => pick([1, 0.5, 3, 1.7]));
        if (w.some((v, a) => w.some((u, b) => a < b && v + u === 0))) zeroDivisors++;
        const expected = tiesConsensus(deltas.map(plainCopy), w, scales, plainCopy(base), normalize, lambda);
        const out = kernelOut(n);
        expect(simdTiesConsensus(deltas, w, scales, base, normalize, lambda, out)).toBe(true);
        expectSameFloatBits(out, expected, `tiesConsensus, ${models} models`);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(zeroDivisors, "cases with weights that cancel").toBeGreaterThan(NUM_RUNS / 10);
  });

  it("sums in model order: the election and the agreeing sum depend on it, for 2, 3 and more models", () => {
    // In float32: (-2^-30 + 1) + -1 = 0 elects +, -2^-30 + (1 + -1) elects -; (1 + 2^-24) + 2^-24
    // rounds to 1 twice (ties to even), 1 + (2^-24 + 2^-24) is 1 + 2^-23.
    const cases: { w: number[]; d: number[] }[] = [
      { w: [1, 1, 1], d: [-(2 ** -30), 1, -1] },
      { w: [1, 1, 1], d: [1, 2 ** -24, 2 ** -24] },
      { w: [1, 1, 1, 1], d: [-(2 ** -30), 1, -1, 0] },
      { w: [1, 1, 1, 1], d: [1, 2 ** -24, 2 ** -24, 0] },
      { w: [1, 1], d: [-(2 ** -30), 1] },
    ];
    for (const c of cases) {
      const results = new Set<number>();
      for (const order of permutations(c.d.length)) {
        resetKernelScratch();
        const n = 5; // one SIMD block and a tail element
        const deltas = order.map((m) => {
          const a = kernelOut(n);
          a.fill(c.d[m]);
          return a;
        });
        const w = order.map((m) => c.w[m]);
        const scales = w.map(() => 1);
        const base = kernelOut(n).fill(0);
        for (const normalize of [false, true]) {
          const expected = tiesConsensus(deltas.map(plainCopy), w, scales, plainCopy(base), normalize, 1);
          const out = kernelOut(n);
          expect(simdTiesConsensus(deltas, w, scales, base, normalize, 1, out)).toBe(true);
          expectSameFloatBits(out, expected, `tiesConsensus, order ${order.join(",")}`);
          results.add(expected[0]);
        }
      }
      if (c.d.length > 2) expect(results.size, "the model order changes the result").toBeGreaterThan(1);
    }
  });

  it("declines no models and more than 256", () => {
    resetKernelScratch();
    const r = seededRandom(4);
    const mix = { edge: 0, nonFinite: 0 };
    const deltas = Array.from({ length: 257 }, () => kernelFloats(6, r, mix));
    const ones = deltas.map(() => 1);
    expect(simdTiesConsensus(deltas.slice(0, 256), ones, ones, deltas[0], true, 1, kernelOut(6))).toBe(true);
    expect(simdTiesConsensus(deltas, ones, ones, deltas[0], true, 1, kernelOut(6))).toBe(false);
    expect(simdTiesConsensus([], [], [], deltas[0], true, 1, kernelOut(6))).toBe(false);
  });
});

// The references: slerp.ts's own loops, which run on arrays outside the kernels' memory (plain copies).
describe("slerp kernels", () => {
  it("mix gives a*v0 + b*v1's bits, declining exactly when an output is NaN", () => {
    const seen = outcomes("mix");
    fc.assert(
      fc.property(caseArb, scalarArb, scalarArb, (c, a, b) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const v0 = kernelFloats(c.n, r, c.mix);
        const v1 = kernelFloats(c.n, r, c.mix);
        const expected = new Float32Array(c.n);
        mix(plainCopy(v0), plainCopy(v1), a, b, expected);
        const out = kernelOut(c.n);
        const done = simdMix(v0, v1, a, b, out);
        seen.record(done);
        expect(done).toBe(!hasNaN(expected));
        if (done) expectSameFloatBits(out, expected, "mix");
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });

  it("addDots gives the float64 sums in index order, or declines on a NaN sum leaving the sums as they were", () => {
    const seen = outcomes("addDots");
    fc.assert(
      fc.property(caseArb, fc.array(scalarArb, { minLength: 3, maxLength: 3 }), (c, start) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const v0 = kernelFloats(c.n, r, c.mix);
        const v1 = kernelFloats(c.n, r, c.mix);
        const expected = Float64Array.from(start);
        addDots(plainCopy(v0), plainCopy(v1), expected);
        const sums = kernelDoubles(3);
        sums.set(start);
        const done = simdAddDots(v0, v1, sums);
        seen.record(done);
        expect(done).toBe(!hasNaN(expected));
        expect([...sums]).toEqual(done ? [...expected] : start);
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });
});

function permutations(count: number): number[][] {
  if (count === 0) return [[]];
  return permutations(count - 1).flatMap((p) => Array.from({ length: count }, (_, at) => [...p.slice(0, at), count - 1, ...p.slice(at)]));
}
