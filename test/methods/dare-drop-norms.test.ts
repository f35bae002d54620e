import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dropBlock } from "../../src/methods/chunked-random-merge.js";
import { createRandom } from "../../src/methods/create-random.js";
import { L1_LANES, laneSum, randomlyDroppedTaskVector } from "../../src/methods/task-vectors.js";
import { seededRandom } from "../helpers/seeded-random.js";

/**
 * The L1 norms of DARE's drop, by their definition (task-vectors.ts): element i's |d| (before) and
 * |d * flag| (after) in lane i & 7, each lane a float64 sum in index order from +0, the lanes
 * combined as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)). Written out plainly here, one
 * element at a time, against the whole-tensor drop and the chunked drop's block loop over any split.
 * Values have full float32 mantissas and exponents spread over 2^-40..2^40: float64 sums of float32
 * values within a narrower range are exact (and then any order gives the same), these round.
 */

interface Reference {
  out: Float32Array;
  flags: Float64Array;
  lanes: Float64Array;
  before: number;
  after: number;
}

function reference(x: Float32Array, base: Float32Array, density: number, seed: number): Reference {
  const random = createRandom(seed);
  const n = x.length;
  const out = new Float32Array(n);
  const flags = new Float64Array(n);
  const lanes = new Float64Array(16);
  for (let i = 0; i < n; i++) {
    const d = Math.fround(x[i] - base[i]);
    flags[i] = +(random() < density);
    out[i] = d * flags[i];
    lanes[i % 8] += Math.abs(d);
    lanes[8 + (i % 8)] += Math.abs(d * flags[i]);
  }
  const combine = (l: Float64Array, at: number) => l[at] + l[at + 1] + (l[at + 2] + l[at + 3]) + (l[at + 4] + l[at + 5] + (l[at + 6] + l[at + 7]));
  return { out, flags, lanes, before: combine(lanes, 0), after: combine(lanes, 8) };
}

const caseArb = fc.record({
  seed: fc.integer(),
  n: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 * 4096 + 50 })),
  density: fc.oneof(fc.constantFrom(0.5, 0.01, 0.999), fc.double({ min: 0.001, max: 0.999, noNaN: true })),
  specials: fc.constantFrom(0, 0, 0.001),
});

function inputs(c: { seed: number; n: number; specials: number }): { x: Float32Array; base: Float32Array } {
  const r = seededRandom(c.seed);
  const value = () => (r.next() < c.specials ? [Number.NaN, Infinity, -Infinity][r.int(0, 2)] : (r.next() - 0.5) * 2 ** r.int(-40, 40));
  return { x: Float32Array.from({ length: c.n }, value), base: Float32Array.from({ length: c.n }, value) };
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe("DARE's drop norms (8-lane L1 sums)", () => {
  it("randomlyDroppedTaskVector gives the defined norms and d * flag", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { x, base } = inputs(c);
        const expected = reference(x, base, c.density, c.seed);
        const out = new Float32Array(c.n);
        const norms = randomlyDroppedTaskVector(x, base, c.density, createRandom(c.seed), out);
        expect(same(norms.before, expected.before), `before ${norms.before}, expected ${expected.before}`).toBe(true);
        expect(same(norms.after, expected.after), `after ${norms.after}, expected ${expected.after}`).toBe(true);
        expect(new Uint32Array(out.buffer)).toEqual(new Uint32Array(expected.out.buffer));
      }),
      { numRuns: 60 },
    );
  });

  it("the chunked drop's block loop gives the same lanes and keep bits over any split into chunks", () => {
    fc.assert(
      fc.property(caseArb, fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 8 }), (c, sizes) => {
        const { x, base } = inputs(c);
        const expected = reference(x, base, c.density, c.seed);
        const lanes = new Float64Array(2 * L1_LANES);
        const keep = new Uint32Array(Math.ceil(c.n / 32) + 1);
        for (let start = 0, k = 0; start < c.n; k++) {
          const end = Math.min(c.n, start + sizes[k % sizes.length]);
          dropBlock(x.subarray(start, end), base.subarray(start, end), expected.flags.subarray(start, end), 0, end - start, start, keep, lanes);
          start = end;
        }
        for (let k = 0; k < 16; k++) expect(same(lanes[k], expected.lanes[k]), `lane ${k}: ${lanes[k]}, expected ${expected.lanes[k]}`).toBe(true);
        expect(same(laneSum(lanes, 0), expected.before) && same(laneSum(lanes, L1_LANES), expected.after)).toBe(true);
        for (let i = 0; i < c.n; i++) if (((keep[i >>> 5] >>> (i & 31)) & 1) !== expected.flags[i]) expect.fail(`keep bit ${i}`);
      }),
      { numRuns: 60 },
    );
  });
});
