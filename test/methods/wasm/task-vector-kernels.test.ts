import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyKeepBits } from "../../../src/methods/chunked-random-merge.js";
import { addL1, taskVector, taskVectorWithL1 } from "../../../src/methods/task-vectors.js";
import { resetKernelScratch } from "../../../src/methods/wasm/index.js";
import { simdAddL1, simdApplyKeepBits, simdTaskVector, simdTaskVectorL1 } from "../../../src/methods/wasm/simd-task-vectors.js";
import { seededRandom, type SeededRandom } from "../../helpers/seeded-random.js";
import { bitsOf, expectSameFloatBits, expectSameFloats, plainCopy, randomBits, randomDouble } from "./float-bits.js";
import { NUM_RUNS, caseArb, hasNaN, kernelDoubles, kernelFloats, kernelOut, kernelWords, outcomes, useKernels } from "./kernel-cases.js";

/**
 * The task-vector kernels (task vectors, their L1 norms, DARE's drop and keep bits) against the
 * TypeScript loops they twin, called directly on the same inputs in kernel memory and as ordinary
 * arrays. Where a kernel declines, the caller's loop runs on the same arrays: simulated here as
 * the callers do it, the result must be the loop's alone.
 */

useKernels();

describe("task-vector kernels", () => {
  it("taskVector gives float32(x - base)'s bits, declining exactly when one is NaN", () => {
    const seen = outcomes("taskVector");
    fc.assert(
      fc.property(caseArb, (c) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const x = kernelFloats(c.n, r, c.mix);
        const base = kernelFloats(c.n, r, c.mix);
        const expected = new Float32Array(c.n);
        taskVector(plainCopy(x), plainCopy(base), expected);
        const out = kernelOut(c.n);
        const done = simdTaskVector(x, base, out);
        seen.record(done);
        expect(done).toBe(!hasNaN(expected));
        if (done) expectSameFloatBits(out, expected, "taskVector");
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });

  it("taskVectorL1 gives taskVectorWithL1's vector and sum, declining exactly when the sum is NaN", () => {
    const seen = outcomes("taskVectorL1");
    fc.assert(
      fc.property(caseArb, (c) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const x = kernelFloats(c.n, r, c.mix);
        const base = kernelFloats(c.n, r, c.mix);
        const sum = randomDouble(r, c.weightEdge, c.weightNonFinite);
        const expected = new Float32Array(c.n);
        const total = taskVectorWithL1(plainCopy(x), plainCopy(base), expected, sum);
        const out = kernelOut(c.n);
        const got = simdTaskVectorL1(x, base, out, sum);
        seen.record(got !== undefined);
        expect(got === undefined).toBe(Number.isNaN(total));
        if (got !== undefined) {
          expect(Object.is(got, total), `sum ${got}, expected ${total}`).toBe(true);
          expectSameFloatBits(out, expected, "taskVectorL1");
        }
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });

  it("addL1 gives the float64 sum of |values| over a prefix, declining exactly when it is NaN", () => {
    const seen = outcomes("addL1");
    fc.assert(
      fc.property(caseArb, fc.double({ min: 0, max: 1, noNaN: true }), (c, share) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const values = kernelFloats(c.n, r, c.mix);
        const length = Math.floor(share * c.n);
        const sum = randomDouble(r, c.weightEdge, c.weightNonFinite);
        const total = addL1(plainCopy(values), length, sum);
        const got = simdAddL1(values, length, sum);
        seen.record(got !== undefined);
        expect(got === undefined).toBe(Number.isNaN(total));
        if (got !== undefined) expect(Object.is(got, total), `sum ${got}, expected ${total}`).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });
});

// The references: chunked-random-merge.ts's own loops (its applyKeepBits runs its loop on arrays
// outside the kernels' memory, and on kernel arrays after the kernel declines, as here).
describe("DARE keep-bit kernel", () => {
  it("applyKeepBits gives d * flag's bits, declining exactly for a non-finite delta (the loop then gives its own result)", () => {
    const seen = outcomes("applyKeepBits");
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 200 }), (c, start) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const delta = kernelFloats(c.n, r, c.mix);
        const keep = kernelWords(Math.ceil((start + c.n) / 32) + 1);
        for (let w = 0; w < keep.length; w++) keep[w] = randomBits(r);
        const expected = plainCopy(delta);
        const finite = bitsOf(expected).every((u) => (u & 0x7f800000) !== 0x7f800000);
        applyKeepBits(expected, Uint32Array.from(keep), start);
        const done = simdApplyKeepBits(delta, keep, start);
        seen.record(done);
        expect(done).toBe(finite);
        if (done) expectSameFloatBits(delta, expected, "applyKeepBits");
        else {
          applyKeepBits(delta, keep, start); // the caller's loop over the same deltas
          expectSameFloats(delta, expected, "applyKeepBits, then the loop");
        }
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });
});
