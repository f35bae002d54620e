import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { permuteQK, unpermuteQK } from "../../src/arch/permute-qk.js";
import { ropeAdjacentPairs } from "../../src/arch/rope.js";
import { ShapeMismatchError } from "../../src/errors.js";
import { seededRandom } from "../helpers/seeded-random.js";

/** HF `apply_rotary_pos_emb` with `rotate_half`: dimension i pairs with i + d/2. */
function ropeRotateHalf(v: Float64Array, nHead: number, headDim: number, pos: number, base: number): void {
  const half = headDim / 2;
  for (let h = 0; h < nHead; h++) {
    for (let i = 0; i < half; i++) {
      const theta = pos * Math.pow(base, (-2 * i) / headDim);
      const a = v[h * headDim + i];
      const b = v[h * headDim + i + half];
      v[h * headDim + i] = a * Math.cos(theta) - b * Math.sin(theta);
      v[h * headDim + i + half] = b * Math.cos(theta) + a * Math.sin(theta);
    }
  }
}

function matVec(w: Float32Array, x: Float64Array, rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < x.length; c++) out[r] += w[r * x.length + c] * x[c];
  return out;
}

describe("permuteQK", () => {
  it("moves rows within each head from halves order to adjacent-pairs order", () => {
    // 2 heads of 4 rows, 1 column: HF rows [a0 a1 | b0 b1] per head become [a0 b0 a1 b1].
    const hf = Float32Array.from([0, 1, 2, 3, 10, 11, 12, 13]);
    expect([...permuteQK(hf, 2, 8, 1)]).toEqual([0, 2, 1, 3, 10, 12, 11, 13]);
  });

  it("unpermuteQK inverts it for any head count and width", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (nHead, halfDim, cols, seed) => {
        const rows = nHead * halfDim * 2;
        const r = seededRandom(seed);
        const data = Float32Array.from({ length: rows * cols }, () => r.normal());
        const there = permuteQK(data, nHead, rows, cols);
        expect(unpermuteQK(there, nHead, rows, cols)).toEqual(data);
      }),
    );
  });

  it("makes GGUF adjacent-pair RoPE on permuted weights equal HF rotate-half RoPE on the originals", () => {
    const r = seededRandom(7);
    const nHead = 3, headDim = 8, cols = 5, rows = nHead * headDim;
    const w = Float32Array.from({ length: rows * cols }, () => r.normal());
    const x = Float64Array.from({ length: cols }, () => r.normal());
    const y = Float64Array.from({ length: cols }, () => r.normal());
    const wg = permuteQK(w, nHead, rows, cols);
    for (const [p1, p2] of [[0, 0], [3, 1], [17, 9]]) {
      const qh = matVec(w, x, rows), kh = matVec(w, y, rows);
      ropeRotateHalf(qh, nHead, headDim, p1, 10000);
      ropeRotateHalf(kh, nHead, headDim, p2, 10000);
      const qg = matVec(wg, x, rows), kg = matVec(wg, y, rows);
      ropeAdjacentPairs(qg, nHead, headDim, p1, 10000);
      ropeAdjacentPairs(kg, nHead, headDim, p2, 10000);
      for (let h = 0; h < nHead; h++) {
        let dh = 0, dg = 0;
        for (let i = 0; i < headDim; i++) {
          dh += qh[h * headDim + i] * kh[h * headDim + i];
          dg += qg[h * headDim + i] * kg[h * headDim + i];
        }
        expect(dg).toBeCloseTo(dh, 10);
      }
      // The rotated vectors themselves are the HF ones with rows permuted (float32 precision).
      const permuted = permuteQK(Float32Array.from(qh), nHead, rows, 1);
      for (let i = 0; i < rows; i++) expect(Math.abs(permuted[i] - qg[i])).toBeLessThan(1e-5);
    }
  });

  it("rejects data that does not match the shape or head count", () => {
    expect(() => permuteQK(new Float32Array(7), 1, 4, 2)).toThrow(ShapeMismatchError);
    expect(() => permuteQK(new Float32Array(12), 2, 6, 2)).toThrow(/even size/);
  });
});
