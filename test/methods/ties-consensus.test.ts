import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tiesConsensus } from "../../src/methods/ties-consensus.js";

/** The TIES combine written out directly from its definition, as an independent reference. */
function reference(deltas: Float32Array[], w: number[], ws: number[], base: Float32Array, normalize: boolean, lambda: number): Float32Array {
  return base.map((b, i) => {
    const z = deltas.map((d, m) => ws[m] * d[i]);
    const total = z.reduce((s, v) => s + v, 0);
    const agree = z.map((v) => (total >= 0 ? v > 0 : v < 0));
    let mixed = z.reduce((s, v, m) => (agree[m] ? s + v : s), 0);
    const div = w.reduce((s, v, m) => (agree[m] ? s + v : s), 0);
    if (normalize && div !== 0) mixed /= div;
    return b + mixed * lambda;
  });
}

const sameBits = (a: Float32Array, b: Float32Array) => expect(new Uint32Array(a.buffer)).toEqual(new Uint32Array(b.buffer));

// Small magnitudes with zeros, -0 and exact cancellations, so signs, zero sums and zero divisors all occur.
const entry = fc.oneof(fc.constantFrom(0, -0, 0.5, -0.5, 1, -1), fc.float({ min: -2, max: 2, noNaN: true }));
const weight = fc.oneof(fc.constantFrom(0, -0, 1, -1, 0.5), fc.double({ min: -2, max: 2, noNaN: true }));

describe("tiesConsensus", () => {
  it("gives the definition's bits for 1-5 models (branch-free loops and the generic one)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.constantFrom(1, 0.7),
        fc.infiniteStream(entry),
        fc.array(weight, { minLength: 5, maxLength: 5 }),
        fc.array(fc.constantFrom(1, 0.5, 3), { minLength: 5, maxLength: 5 }),
        (count, n, normalize, lambda, values, weights, scales) => {
          const next = () => values.next().value as number;
          const base = Float32Array.from({ length: n }, next);
          const deltas = Array.from({ length: count }, () => Float32Array.from({ length: n }, next));
          const w = weights.slice(0, count);
          const ws = w.map((v, m) => v * scales[m]);
          sameBits(tiesConsensus(deltas, w, ws, base, normalize, lambda), reference(deltas, w, ws, base, normalize, lambda));
        },
      ),
    );
  });

  it("falls back to the definition when a delta is not finite (Inf * 0 would otherwise be NaN)", () => {
    const base = Float32Array.from([0.5, 1, -1, 2]);
    const cases = [
      [Float32Array.from([Infinity, 0, 1, -Infinity]), Float32Array.from([-Infinity, 0, NaN, 1])],
      [Float32Array.from([Infinity, -1, 0, 0]), Float32Array.from([0, 2, 0, 0])],
    ];
    for (const deltas of cases) {
      for (const normalize of [true, false]) {
        sameBits(tiesConsensus(deltas, [1, 0.5], [1, 0.5], base, normalize, 1), reference(deltas, [1, 0.5], [1, 0.5], base, normalize, 1));
        sameBits(tiesConsensus(deltas.slice(0, 1), [1], [1], base, normalize, 1), reference(deltas.slice(0, 1), [1], [1], base, normalize, 1));
      }
    }
  });
});
