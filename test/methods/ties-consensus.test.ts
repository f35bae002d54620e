import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tiesConsensus } from "../../src/methods/ties-consensus.js";

const f = Math.fround;

/**
 * The TIES combine written out directly from its definition (mergekit's float32 order), as an
 * independent reference: every value and every operation rounded to float32.
 */
function reference(deltas: Float32Array[], w: number[], scales: number[], base: Float32Array, normalize: boolean, lambda: number): Float32Array {
  return base.map((b, i) => {
    const z = deltas.map((d, m) => f(f(d[i] * f(scales[m])) * f(w[m])));
    const total = z.reduce((s, v) => f(s + v), 0);
    const agree = z.map((v) => (total >= 0 ? v > 0 : v < 0));
    let mixed = z.reduce((s, v, m) => (agree[m] ? f(s + v) : s), 0);
    const div = w.reduce((s, v, m) => (agree[m] ? f(s + f(v)) : s), 0);
    if (normalize) mixed = f(mixed / (div === 0 ? 1 : div));
    return f(b + f(mixed * f(lambda)));
  });
}

const sameBits = (a: Float32Array, b: Float32Array) => expect(new Uint32Array(a.buffer)).toEqual(new Uint32Array(b.buffer));

// Small magnitudes with zeros, -0 and exact cancellations, so signs, zero sums and zero divisors all
// occur; full-precision floats of several magnitudes, so float32 rounding of every sum and product shows.
const entry = fc.oneof(
  fc.constantFrom(0, -0, 0.5, -0.5, 1, -1),
  fc.float({ min: -2, max: 2, noNaN: true }),
  fc.float({ min: -2, max: 2, noNaN: true }).map((v) => v * 2 ** 12),
  fc.float({ min: Math.fround(-1e-3), max: Math.fround(1e-3), noNaN: true }),
);
const weight = fc.oneof(fc.constantFrom(0, -0, 1, -1, 0.5, 0.1, -0.1), fc.double({ min: -2, max: 2, noNaN: true }));

describe("tiesConsensus", () => {
  it("gives the definition's bits for 1-5 models (branch-free loops and the generic one)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        fc.constantFrom(1, 0.7),
        fc.infiniteStream(entry),
        fc.array(weight, { minLength: 5, maxLength: 5 }),
        fc.array(fc.constantFrom(1, 0.5, 3, 1.7, 1 / 3), { minLength: 5, maxLength: 5 }),
        (count, n, normalize, lambda, values, weights, allScales) => {
          const next = () => values.next().value as number;
          const base = Float32Array.from({ length: n }, next);
          const deltas = Array.from({ length: count }, () => Float32Array.from({ length: n }, next));
          const w = weights.slice(0, count);
          const scales = allScales.slice(0, count);
          sameBits(tiesConsensus(deltas, w, scales, base, normalize, lambda), reference(deltas, w, scales, base, normalize, lambda));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("scales the delta, then weights it, each product rounded to float32 (mergekit's order)", () => {
    // d * s * w in float32: f(f(d * s) * w) and f(d * f(s * w)) differ for these values, so a
    // scale folded into the weight (or a product kept in float64) gives other bits.
    const d = Float32Array.from([f(0.1), f(-0.3), f(0.7), f(1.3)]);
    const base = new Float32Array(4);
    const [s, w] = [1.7, 0.3];
    const out = tiesConsensus([d], [w], [s], base, false, 1);
    const folded = Float32Array.from(d, (v) => f(v * f(f(s) * f(w))));
    sameBits(out, Float32Array.from(d, (v) => f(f(v * f(s)) * f(w))));
    expect(Array.from(out).some((v, i) => v !== folded[i]), "the two orders differ on these values").toBe(true);
  });

  it("falls back to the definition when a delta is not finite (Inf * 0 would otherwise be NaN)", () => {
    const base = Float32Array.from([0.5, 1, -1, 2]);
    const cases = [
      [Float32Array.from([Infinity, 0, 1, -Infinity]), Float32Array.from([-Infinity, 0, NaN, 1])],
      [Float32Array.from([Infinity, -1, 0, 0]), Float32Array.from([0, 2, 0, 0])],
      // Finite deltas whose float32 total overflows.
      [Float32Array.from([3e38, -3e38, 1, 0]), Float32Array.from([3e38, -3e38, 1, 0])],
    ];
    for (const deltas of cases) {
      for (const normalize of [true, false]) {
        sameBits(tiesConsensus(deltas, [1, 0.5], [1, 1.5], base, normalize, 1), reference(deltas, [1, 0.5], [1, 1.5], base, normalize, 1));
        sameBits(tiesConsensus(deltas.slice(0, 1), [1], [1], base, normalize, 1), reference(deltas.slice(0, 1), [1], [1], base, normalize, 1));
      }
    }
  });
});
