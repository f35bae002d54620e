import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dropBlock } from "../../../src/methods/chunked-random-merge.js";
import { createRandom } from "../../../src/methods/create-random.js";
import { flagsOfDraws, keepCut } from "../../../src/methods/random-keep-flags.js";
import { resetKernelScratch } from "../../../src/methods/wasm/index.js";
import { simdDropDraws, simdFillDraws, simdRandomDropper } from "../../../src/methods/wasm/simd-task-vectors.js";
import { jumpMatrix, jumpTable } from "../../../src/methods/xoshiro-jump.js";
import { seededRandom, type SeededRandom } from "../../helpers/seeded-random.js";
import { plainCopy, randomBits } from "./float-bits.js";
import { NUM_RUNS, caseArb, kernelDoubles, kernelFloats, kernelWords, useKernels } from "./kernel-cases.js";

/**
 * DARE's draw and drop kernels (wasm/assembly/random-drop.ts) against the TypeScript they twin:
 * createRandom's fillBits for the draws (any seed, count and split into calls, any quarter of the
 * four SIMD streams), chunked-random-merge.ts's dropBlock on flagsOfDraws for the drop (its L1
 * lanes and keep bits), and both fused. A norm's NaN bits are not compared (nothing reads them).
 */

useKernels();

/** A keep cut (density * 2^32): ends, exact powers of two, any density, beyond the ends. */
function randomCut(r: SeededRandom): number {
  const u = r.next();
  if (u < 0.15) return keepCut([0, 1, 0.5, 2 ** -32, 1 - 2 ** -32, 1e-300, -0.5, 1.5, Number.NaN, Infinity][r.int(0, 9)]);
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

/** A tensor offset: mostly whole keep words (the kernel's vector path), else any. */
function randomOffset(r: SeededRandom): number {
  return r.next() < 0.7 ? 32 * r.int(0, 6) : r.int(0, 200);
}

/** Lanes as the carried state of a pass: zeros, or earlier sums (some infinite or NaN). */
function randomLanes(r: SeededRandom): Float64Array {
  const lanes = kernelDoubles(16);
  for (let k = 0; k < 16; k++) lanes[k] = r.next() < 0.6 ? 0 : r.next() < 0.95 ? r.next() * 100 : [Infinity, Number.NaN][r.int(0, 1)];
  return lanes;
}

/** Equal values, NaN equal to NaN whatever its bits. */
function expectSameNumbers(got: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  for (let i = 0; i < expected.length; i++) expect(Object.is(got[i], expected[i]) || (Number.isNaN(got[i]) && Number.isNaN(expected[i])), `${what}[${i}]: ${got[i]}, expected ${expected[i]}`).toBe(true);
}

describe("xoshiro128** draw kernel", () => {
  it("fillDraws continues createRandom's stream exactly, for any seed, quarter and split into calls", () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(1, 4, 8, 12, 64), fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 6 }), (seed, quarter, counts) => {
        resetKernelScratch();
        const reference = createRandom(seed);
        const random = createRandom(seed);
        const state = kernelWords(4);
        random.getState(state);
        const jump = kernelWords(2048);
        jump.set(jumpTable(jumpMatrix(quarter)));
        for (const count of counts) {
          const expected = new Uint32Array(count);
          reference.fillBits(expected, count);
          const out = kernelWords(count + 1).fill(0xdeadbeef);
          expect(simdFillDraws(state, jump, quarter, out, count)).toBe(true);
          expect(out.subarray(0, count)).toEqual(expected);
          expect(out[count], "a word past the draws was written").toBe(0xdeadbeef);
        }
        // The state handed back continues the same stream in TypeScript.
        random.setState(state);
        expect(random()).toBe(reference());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("fillDraws runs the four streams over whole blocks of the merge's quarter (1024) too", () => {
    resetKernelScratch();
    const reference = createRandom("blocks");
    const state = kernelWords(4);
    createRandom("blocks").getState(state);
    const jump = kernelWords(2048);
    jump.set(jumpTable(jumpMatrix(1024)));
    for (const count of [4096, 3 * 4096 + 77, 4095, 8192]) {
      const expected = new Uint32Array(count);
      reference.fillBits(expected, count);
      const out = kernelWords(count);
      expect(simdFillDraws(state, jump, 1024, out, count)).toBe(true);
      expect(out).toEqual(expected);
    }
  });
});

describe("DARE drop kernels", () => {
  it("dropDraws gives dropBlock's L1 lanes and keep bits on the same draws", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const x = kernelFloats(c.n, r, c.mix);
        const base = kernelFloats(c.n, r, c.mix);
        const from = r.next() < 0.5 ? 0 : r.int(0, c.n);
        const to = r.next() < 0.5 ? c.n : r.int(from, c.n);
        const offset = randomOffset(r);
        const cut = randomCut(r);
        const draws = randomDraws(r, to - from, cut);
        const keep = kernelWords(Math.ceil((offset + c.n) / 32) + 1);
        for (let w = 0; w < keep.length; w++) keep[w] = r.next() < 0.5 ? 0 : randomBits(r);
        const lanes = randomLanes(r);

        const flags = new Float64Array(to - from);
        flagsOfDraws(Uint32Array.from(draws), cut, flags, to - from);
        const expectedKeep = Uint32Array.from(keep);
        const expectedLanes = Float64Array.from(lanes);
        dropBlock(plainCopy(x), plainCopy(base), flags, from, to, offset, expectedKeep, expectedLanes);

        expect(simdDropDraws(x, base, draws, cut, from, to, offset, keep, lanes)).toBe(true);
        expectSameNumbers(lanes, expectedLanes, "lanes");
        expect(keep).toEqual(expectedKeep);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("randomDrop (bound by simdRandomDropper) gives fillBits + flagsOfDraws + dropBlock in blocks, and leaves the stream where they leave it", () => {
    fc.assert(
      fc.property(caseArb, fc.integer(), fc.constantFrom(1, 4, 8, 16), (c, seed, quarter) => {
        resetKernelScratch();
        const r = seededRandom(c.seed);
        const x = kernelFloats(c.n, r, c.mix);
        const base = kernelFloats(c.n, r, c.mix);
        const offset = randomOffset(r);
        const cut = randomCut(r);
        const keep = kernelWords(Math.ceil((offset + c.n) / 32) + 1).fill(0);
        const lanes = randomLanes(r);

        const reference = createRandom(seed);
        const expectedKeep = Uint32Array.from(keep);
        const expectedLanes = Float64Array.from(lanes);
        const bits = new Uint32Array(c.n);
        const flags = new Float64Array(c.n);
        reference.fillBits(bits, c.n);
        flagsOfDraws(bits, cut, flags, c.n);
        dropBlock(plainCopy(x), plainCopy(base), flags, 0, c.n, offset, expectedKeep, expectedLanes);

        const random = createRandom(seed);
        const state = kernelWords(4);
        random.getState(state);
        const jump = kernelWords(2048);
        jump.set(jumpTable(jumpMatrix(quarter)));
        const draws = kernelWords(4 * quarter);
        const drop = simdRandomDropper({ x, base, jump, quarter, draws }, [{ state, keep, lanes }]);
        expect(drop).toBeDefined();
        drop!(0, cut, c.n, offset);
        expectSameNumbers(lanes, expectedLanes, "lanes");
        expect(keep).toEqual(expectedKeep);
        random.setState(state);
        expect(random()).toBe(reference());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("simdRandomDropper binds only arrays that all lie in kernel memory, and refuses a chunk past them", () => {
    resetKernelScratch();
    const x = kernelFloats(64, seededRandom(1), { edge: 0, nonFinite: 0 });
    const base = kernelFloats(64, seededRandom(2), { edge: 0, nonFinite: 0 });
    const jump = kernelWords(2048);
    const draws = kernelWords(16);
    const model = { state: kernelWords(4), keep: kernelWords(2), lanes: kernelDoubles(16) };
    expect(simdRandomDropper({ x: new Float32Array(64), base, jump, quarter: 4, draws }, [model])).toBeUndefined();
    expect(simdRandomDropper({ x, base, jump, quarter: 4, draws }, [model, { ...model, lanes: new Float64Array(16) }])).toBeUndefined();
    const drop = simdRandomDropper({ x, base, jump, quarter: 4, draws }, [model]);
    expect(drop).toBeDefined();
    expect(() => drop!(0, 1, 65, 0)).toThrow(RangeError);
    expect(() => drop!(0, 1, 64, 32)).toThrow(RangeError);
    expect(() => simdRandomDropper({ x, base, jump, quarter: 8, draws }, [model])).toThrow(RangeError);
  });
});
