import { simdTiesConsensus } from "./wasm/simd-consensus.js";

const f32 = Math.fround;

/**
 * TIES "elect" and "disjoint merge" (Yadav et al., https://arxiv.org/abs/2306.01708) in float32,
 * in mergekit's order of operations, so its outputs are mergekit's bit for bit (for a rescale
 * factor other than 1, up to that factor: test/methods/ties-conformance-bits.test.ts).
 * With every parameter rounded to float32 (`w[m]`, `scales[m]`, `lambda`) and every operation
 * rounded to float32 (`f`), per element:
 * - the weighted task vector `z[m] = f(f(d[m] * scales[m]) * w[m])`: the rescale factor scales the
 *   sparsified delta first, then the weight multiplies it, as mergekit does;
 * - the elected sign is that of `total = f(... f(f(0 + z[0]) + z[1]) ...)` (a zero total elects +);
 *   only z with that sign agree (zeros never do);
 * - `mixed` is the float32 sum of the agreeing z from +0 in model order, `div` the float32 sum of
 *   those models' *signed* weights w[m] from +0, replaced by 1 when 0;
 * - with normalize `mixed = f(mixed / div)`; then `out = f(base + f(mixed * lambda))`.
 *
 * `exactConsensus` is the definition, written with branches. Signs of task vectors are random,
 * so those branches mispredict constantly: for one to three models the fast loops compute the
 * same thing branch-free, as products with 0/1 agreement flags:
 * - for finite z, `z * 1 === z` and `z * 0` is +-0, and adding +-0 to an accumulator that starts
 *   at +0 never changes its bits (a round-to-nearest sum is -0 only if both terms are -0), so the
 *   sums equal the branchy ones bit for bit, in the same model order;
 * - the divisor comes from a table indexed by the agreement flags (see `divisorTable`);
 * - the total may leave out the leading `0 +`: that changes at most the sign of a zero total,
 *   which neither the election (+-0 >= 0) nor the finiteness check can see.
 * A non-finite z would break the first point (Inf * 0 is NaN); any non-finite z makes its
 * element's total non-finite (so does a float32 overflow of the total), so the fast loop tracks
 * `total * 0` and, if that is ever NaN, the tensor is recomputed with `exactConsensus`. Results
 * are therefore identical to the definition for every input. The result goes to `dst` (as long as
 * `base`) when given, else to a new array. Arrays in the SIMD kernels' memory go to their twin of
 * the fast loops (wasm/simd-consensus.ts).
 *
 * @param w each model's weight
 * @param scales each model's rescale factor (the L1 norm match; 1 for none)
 */
export function tiesConsensus(
  deltas: readonly Float32Array[],
  w: readonly number[],
  scales: ArrayLike<number>,
  base: Float32Array,
  normalize: boolean,
  lambda: number,
  dst?: Float32Array,
): Float32Array {
  const out = dst ?? new Float32Array(base.length);
  if (simdTiesConsensus(deltas, w, scales, base, normalize, lambda, out)) return out;
  const l = f32(lambda);
  let finite = true;
  switch (deltas.length) {
    case 1:
      finite = consensus1(deltas[0], f32(scales[0]), f32(w[0]), base, divisorTable(w, normalize), l, out);
      break;
    case 2:
      finite = consensus2(deltas[0], deltas[1], f32(scales[0]), f32(scales[1]), f32(w[0]), f32(w[1]), base, divisorTable(w, normalize), l, out);
      break;
    case 3:
      finite = consensus3(deltas, scales, w, base, divisorTable(w, normalize), l, out);
      break;
    default:
      finite = false;
  }
  if (!finite) exactConsensus(deltas, w, scales, base, normalize, lambda, out);
  return out;
}

/** The definition, element by element with branches; correct for any values, including Inf/NaN. */
function exactConsensus(
  deltas: readonly Float32Array[],
  weights: readonly number[],
  scales: ArrayLike<number>,
  base: Float32Array,
  normalize: boolean,
  lambda: number,
  out: Float32Array,
): void {
  const n = base.length;
  const count = deltas.length;
  const w = Float32Array.from(weights);
  const s = Float32Array.from(scales);
  const l = f32(lambda);
  const z = new Float32Array(count);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let m = 0; m < count; m++) {
      z[m] = f32(deltas[m][i] * s[m]) * w[m];
      total = f32(total + z[m]);
    }
    let mixed = 0;
    let div = 0;
    if (total >= 0) {
      for (let m = 0; m < count; m++) if (z[m] > 0) (mixed = f32(mixed + z[m])), (div = f32(div + w[m]));
    } else {
      for (let m = 0; m < count; m++) if (z[m] < 0) (mixed = f32(mixed + z[m])), (div = f32(div + w[m]));
    }
    if (normalize) mixed = f32(mixed / (div === 0 ? 1 : div));
    out[i] = base[i] + f32(mixed * l);
  }
}

/**
 * The divisor for each set of agreeing models, indexed by a bit mask (bit m = model m agrees):
 * `0 + w[a] + w[b] + ...` of the float32 weights in model order, in float32, exactly the sum the
 * definition accumulates, with 0 replaced by 1; all 1 without normalize (f(x / 1) === x for a
 * float32 x). A table load replaces summing the divisor per element. The last table is kept:
 * chunked merges ask for the same one per chunk.
 */
function divisorTable(w: readonly number[], normalize: boolean): Float64Array {
  if (last && last.normalize === normalize && sameWeights(last.w, w)) return last.table;
  const table = new Float64Array(1 << w.length).fill(1);
  if (normalize) {
    for (let set = 1; set < table.length; set++) {
      let div = 0;
      for (let m = 0; m < w.length; m++) if (set & (1 << m)) div = f32(div + f32(w[m]));
      if (div !== 0) table[set] = div;
    }
  }
  last = { w: [...w], normalize, table };
  return table;
}

let last: { w: readonly number[]; normalize: boolean; table: Float64Array } | undefined;

function sameWeights(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let m = 0; m < a.length; m++) if (!Object.is(a[m], b[m])) return false;
  return true;
}

// In the fast loops, `s` is +1 when the total elects + and -1 otherwise, so `z * s > 0` is
// "z is non-zero and agrees"; `probe` turns NaN if any element's total is not finite. Scales,
// weights and lambda arrive rounded to float32.

function consensus1(a: Float32Array, sa: number, wa: number, base: Float32Array, div: Float64Array, lambda: number, out: Float32Array): boolean {
  let probe = 0;
  for (let i = 0; i < base.length; i++) {
    const za = f32(f32(a[i] * sa) * wa);
    probe += za * 0;
    const s = 2 * +(za >= 0) - 1;
    const fa = +(za * s > 0);
    const mixed = 0 + za * fa;
    out[i] = base[i] + f32(f32(mixed / div[fa]) * lambda);
  }
  return probe === 0;
}

function consensus2(
  a: Float32Array,
  b: Float32Array,
  sa: number,
  sb: number,
  wa: number,
  wb: number,
  base: Float32Array,
  div: Float64Array,
  lambda: number,
  out: Float32Array,
): boolean {
  let probe = 0;
  for (let i = 0; i < base.length; i++) {
    const za = f32(f32(a[i] * sa) * wa);
    const zb = f32(f32(b[i] * sb) * wb);
    const total = f32(za + zb);
    probe += total * 0;
    const s = 2 * +(total >= 0) - 1;
    const fa = +(za * s > 0);
    const fb = +(zb * s > 0);
    const mixed = f32(0 + za * fa + zb * fb);
    out[i] = base[i] + f32(f32(mixed / div[fa | (fb << 1)]) * lambda);
  }
  return probe === 0;
}

function consensus3(deltas: readonly Float32Array[], scales: ArrayLike<number>, w: readonly number[], base: Float32Array, div: Float64Array, lambda: number, out: Float32Array): boolean {
  const [a, b, c] = deltas;
  const sa = f32(scales[0]);
  const sb = f32(scales[1]);
  const sc = f32(scales[2]);
  const wa = f32(w[0]);
  const wb = f32(w[1]);
  const wc = f32(w[2]);
  let probe = 0;
  for (let i = 0; i < base.length; i++) {
    const za = f32(f32(a[i] * sa) * wa);
    const zb = f32(f32(b[i] * sb) * wb);
    const zc = f32(f32(c[i] * sc) * wc);
    const total = f32(f32(za + zb) + zc);
    probe += total * 0;
    const s = 2 * +(total >= 0) - 1;
    const fa = +(za * s > 0);
    const fb = +(zb * s > 0);
    const fc = +(zc * s > 0);
    const mixed = f32(f32(0 + za * fa + zb * fb) + zc * fc);
    out[i] = base[i] + f32(f32(mixed / div[fa | (fb << 1) | (fc << 2)]) * lambda);
  }
  return probe === 0;
}
