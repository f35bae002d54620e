import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { taskVectorSumFactors } from "../../src/methods/combine-task-vectors.js";
import { sumTaskVectors, sumTensorDeltas } from "../../src/methods/sum-task-vectors.js";
import { weightedAverage } from "../../src/methods/weighted-average.js";
import { resetKernelScratch, scratchFloats } from "../../src/methods/wasm/index.js";
import { seededRandom, type SeededRandom } from "../helpers/seeded-random.js";
import { inKernels, useKernels } from "./wasm/kernel-cases.js";

/**
 * The non-consensus sums are float32 in mergekit's order (linear: f32 products summed in model
 * order from +0, then divided; task vectors: each rescaled then weighted, summed, divided, times
 * lambda, added to the base). Checked here against references written element by element from
 * that description, for 1-6 models (the 1-3 model loops and the generic one), on ordinary arrays
 * (the TypeScript loops) and on arrays in kernel memory (the SIMD kernels). Each property also
 * counts how often a float64 accumulation would have given other bits: the values are chosen so
 * that it does, or these properties could not tell the two definitions apart.
 */

useKernels();

const f = Math.fround;

function referenceLinear(tensors: readonly Float32Array[], weights: readonly number[], normalize: boolean, i: number): number {
  let sum = 0;
  let total = 0;
  for (let m = 0; m < tensors.length; m++) {
    sum = f(sum + f(f(weights[m]) * tensors[m][i]));
    total = f(total + f(weights[m]));
  }
  return normalize ? f(sum / total) : sum;
}

function referenceTaskVectors(deltas: readonly Float32Array[], scales: readonly number[], weights: readonly number[], base: Float32Array, normalize: boolean, lambda: number, i: number): number {
  let mixed = 0;
  let total = 0;
  for (let m = 0; m < deltas.length; m++) {
    const rescaled = f(deltas[m][i] * f(scales[m]));
    mixed = f(mixed + f(rescaled * f(weights[m])));
    total = f(total + f(weights[m]));
  }
  if (normalize) mixed = f(mixed / (Math.abs(total) < f(1e-8) ? 1 : total));
  if (lambda !== 1) mixed = f(mixed * f(lambda));
  return f(base[i] + mixed);
}

const kernelOrPlain = (n: number, kernel: boolean) => (kernel ? inKernels(scratchFloats(n)) : new Float32Array(n));

/** Task-vector-like float32 values over a wide range of magnitudes (sums round at every step), some ±0. */
function values(n: number, r: SeededRandom, kernel: boolean): Float32Array {
  const a = kernelOrPlain(n, kernel);
  for (let i = 0; i < n; i++) a[i] = r.next() < 0.05 ? (r.next() < 0.5 ? 0 : -0) : (r.next() - 0.5) * 2 ** r.int(-30, 30);
  return a;
}

const caseArb = fc.record({
  seed: fc.integer(),
  models: fc.integer({ min: 1, max: 6 }),
  n: fc.integer({ min: 1, max: 40 }),
  normalize: fc.boolean(),
  lambda: fc.constantFrom(1, 0.8, -1.3, 1 / 3),
  inKernels: fc.boolean(),
});

const sameBits = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe("float32 sums in mergekit's order", () => {
  it("weightedAverage (linear)", () => {
    let float64Differs = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const tensors = Array.from({ length: c.models }, () => values(c.n, r, c.inKernels));
        const weights = Array.from({ length: c.models }, () => r.next() * 2 - 0.5);
        let total = 0;
        for (const w of weights) total = f(total + f(w));
        const out = weightedAverage(tensors, weights, c.normalize ? total : 1, kernelOrPlain(c.n, c.inKernels));
        for (let i = 0; i < c.n; i++) {
          const want = referenceLinear(tensors, weights, c.normalize, i);
          if (!sameBits(out[i], want)) expect.fail(`element ${i}: ${out[i]}, expected ${want}`);
          let s = 0;
          for (let m = 0; m < c.models; m++) s += weights[m] * tensors[m][i];
          if (!sameBits(f(c.normalize ? s / weights.reduce((a, b) => a + b, 0) : s), want)) float64Differs++;
        }
      }),
      { numRuns: 300 },
    );
    expect(float64Differs, "elements where a float64 sum gives other bits").toBeGreaterThan(100);
  });

  for (const implicit of [false, true]) {
    it(implicit ? "sumTensorDeltas (task arithmetic)" : "sumTaskVectors (sparsified and rescaled task vectors)", () => {
      let float64Differs = 0;
      fc.assert(
        fc.property(caseArb, (c) => {
          resetKernelScratch();
          const r = seededRandom(c.seed);
          const tensors = Array.from({ length: c.models }, () => values(c.n, r, c.inKernels));
          const base = values(c.n, r, c.inKernels);
          const weights = Array.from({ length: c.models }, () => r.next() * 2 - 0.5);
          const scales = implicit ? weights.map(() => 1) : weights.map(() => (r.next() < 0.3 ? 1 : f(1 + r.next() * 3)));
          const sum = taskVectorSumFactors(weights, { consensus: false, normalize: c.normalize, lambda: c.lambda });
          const dst = kernelOrPlain(c.n, c.inKernels);
          const out = implicit ? sumTensorDeltas(tensors, sum, base, dst) : sumTaskVectors(tensors, scales, sum, base, dst);
          const deltas = implicit ? tensors.map((t) => t.map((v, i) => v - base[i])) : tensors;
          for (let i = 0; i < c.n; i++) {
            const want = referenceTaskVectors(deltas, scales, weights, base, c.normalize, c.lambda, i);
            if (!sameBits(out[i], want)) expect.fail(`element ${i}: ${out[i]}, expected ${want}`);
            let s = 0;
            for (let m = 0; m < c.models; m++) s += weights[m] * scales[m] * deltas[m][i];
            const div = c.normalize ? weights.reduce((a, b) => a + b, 0) : 1;
            if (!sameBits(f(base[i] + (s / div) * c.lambda), want)) float64Differs++;
          }
        }),
        { numRuns: 300 },
      );
      expect(float64Differs, "elements where a float64 sum gives other bits").toBeGreaterThan(100);
    });
  }
});
