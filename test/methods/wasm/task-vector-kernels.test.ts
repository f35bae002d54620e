import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyKeepBits, dropBlock } from "../../../src/methods/chunked-random-merge.js";
import { flagsOfDraws, keepCut } from "../../../src/methods/random-keep-flags.js";
import { addL1, taskVector, taskVectorWithL1 } from "../../../src/methods/task-vectors.js";
import { resetKernelScratch } from "../../../src/methods/wasm/index.js";
import { simdAddL1, simdApplyKeepBits, simdDropBlock, simdTaskVector, simdTaskVectorL1 } from "../../../src/methods/wasm/simd-task-vectors.js";
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
/** A keep cut (density * 2^32): ends, exact powers of two, any density. */
function randomCut(r: SeededRandom): number {
  const u = r.next();
  if (u < 0.1) return keepCut([0, 1, 0.5, 2 ** -32, 1 - 2 ** -32][r.int(0, 4)]);
  return keepCut(r.next());
}

/** Raw draws, some at the cut and beside it when the cut is an integer (the < boundary). */
function randomDraws(r: SeededRandom, n: number, cut: number): Uint32Array {
  const draws = kernelWords(Math.max(n, 1)).subarray(0, n);
  for (let j = 0; j < n; j++) {
    const u = r.next();
    draws[j] = u < 0.1 && Number.isInteger(cut) ? Math.min(Math.max(cut + r.int(-1, 1), 0), 0xffffffff) : randomBits(r);
  }
  return draws;
}

describe("DARE kernels", () => {
  it("dropBlock gives the loop's norms and keep bits, or declines on a NaN norm with the norms restored", () => {
    const seen = outcomes("dropBlock");
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 200 }), (c, offset) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const x = kernelFloats(c.n, r, c.mix);
        const base = kernelFloats(c.n, r, c.mix);
        const from = r.int(0, c.n);
        const to = r.int(from, c.n);
        const cut = randomCut(r);
        const draws = randomDraws(r, to - from, cut);
        const keep = kernelWords(Math.ceil((offset + c.n) / 32) + 1);
        for (let w = 0; w < keep.length; w++) keep[w] = r.next() < 0.5 ? 0 : randomBits(r);
        const start = [r.next() < 0.8 ? 0 : r.next() * 100, r.next() < 0.9 ? 0 : Infinity];
        const norms = kernelDoubles(2);
        norms.set(start);

        const flags = new Float64Array(to - from);
        flagsOfDraws(Uint32Array.from(draws), cut, flags, to - from);
        const expectedKeep = Uint32Array.from(keep);
        const expectedNorms = Float64Array.from(start);
        dropBlock(plainCopy(x), plainCopy(base), flags, from, to, offset, expectedKeep, expectedNorms);

        const done = simdDropBlock(x, base, draws, cut, from, to, offset, keep, norms);
        seen.record(done);
        expect(done).toBe(!hasNaN(expectedNorms));
        if (!done) {
          expect([...norms]).toEqual(start);
          dropBlock(x, base, flags, from, to, offset, keep, norms); // the caller redoes the block
        }
        expect([...norms]).toEqual([...expectedNorms]);
        expect(keep).toEqual(expectedKeep);
      }),
      { numRuns: NUM_RUNS },
    );
    seen.expectBoth();
  });

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
