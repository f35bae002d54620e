import { simdTiesConsensus } from "./wasm/simd-consensus.js";

/**
 * TIES "elect" and "disjoint merge" (Yadav et al., https://arxiv.org/abs/2306.01708): per element,
 * the sign of the summed weighted deltas `z[m] = ws[m] * d[m]` wins (a zero sum elects +); only z
 * with that sign count (zeros never do); with normalize the agreeing sum is divided by those
 * models' *signed* weights `w[m]`, unless that sum is 0. Then `out = base + mixed * lambda`.
 *
 * `exactConsensus` is the definition, written with branches. Signs of task vectors are random,
 * so those branches mispredict constantly: for one to three models the fast loops compute the
 * same thing branch-free, as products with 0/1 agreement flags:
 * - for finite z, `z * 1 === z` and `z * 0` is +-0, and adding +-0 to an accumulator that starts
 *   at +0 never changes its bits (a round-to-nearest sum is -0 only if both terms are -0), so the
 *   sums equal the branchy ones bit for bit, in the same model order;
 * - the divisor comes from a table indexed by the agreement flags (see `divisorTable`).
 * A non-finite z would break the first point (Inf * 0 is NaN); any non-finite z makes its
 * element's total non-finite, so the fast loop tracks `total * 0` and, if that is ever NaN, the
 * tensor is recomputed with `exactConsensus`. Results are therefore identical to the definition
 * for every input. The result goes to `dst` (as long as `base`) when given, else to a new array.
 * Arrays in the SIMD kernels' memory go to their twin of the fast loops (wasm/simd-consensus.ts).
 */
export function tiesConsensus(
  deltas: readonly Float32Array[],
  w: readonly number[],
  ws: readonly number[],
  base: Float32Array,
  normalize: boolean,
  lambda: number,
  dst?: Float32Array,
): Float32Array {
  const out = dst ?? new Float32Array(base.length);
  if (simdTiesConsensus(deltas, w, ws, base, normalize, lambda, out)) return out;
  let finite = true;
  switch (deltas.length) {
    case 1:
      finite = consensus1(deltas[0], ws[0], base, divisorTable(w, normalize), lambda, out);
      break;
    case 2:
      finite = consensus2(deltas[0], deltas[1], ws[0], ws[1], base, divisorTable(w, normalize), lambda, out);
      break;
    case 3:
      finite = consensus3(deltas, ws, base, divisorTable(w, normalize), lambda, out);
      break;
    default:
      finite = false;
  }
  if (!finite) exactConsensus(deltas, w, ws, base, normalize, lambda, out);
  return out;
}

/** The definition, element by element with branches; correct for any values, including Inf/NaN. */
function exactConsensus(
  deltas: readonly Float32Array[],
  weights: readonly number[],
  scaled: readonly number[],
  base: Float32Array,
  normalize: boolean,
  lambda: number,
  out: Float32Array,
): void {
  const n = base.length;
  const count = deltas.length;
  const w = Float64Array.from(weights);
  const ws = Float64Array.from(scaled);
  const z = new Float64Array(count);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let m = 0; m < count; m++) {
      z[m] = ws[m] * deltas[m][i];
      total += z[m];
    }
    let mixed = 0;
    let div = 0;
    if (total >= 0) {
      for (let m = 0; m < count; m++) if (z[m] > 0) (mixed += z[m]), (div += w[m]);
    } else {
      for (let m = 0; m < count; m++) if (z[m] < 0) (mixed += z[m]), (div += w[m]);
    }
    if (normalize && div !== 0) mixed /= div;
    out[i] = base[i] + mixed * lambda;
  }
}

/**
 * The divisor for each set of agreeing models, indexed by a bit mask (bit m = model m agrees):
 * `0 + w[a] + w[b] + ...` in model order, exactly the sum the definition accumulates, with 0
 * replaced by 1; all 1 without normalize (x / 1 === x). A table load replaces summing the
 * divisor per element. The last table is kept: chunked merges ask for the same one per chunk.
 */
function divisorTable(w: readonly number[], normalize: boolean): Float64Array {
  if (last && last.normalize === normalize && sameWeights(last.w, w)) return last.table;
  const table = new Float64Array(1 << w.length).fill(1);
  if (normalize) {
    for (let set = 1; set < table.length; set++) {
      let div = 0;
      for (let m = 0; m < w.length; m++) if (set & (1 << m)) div += w[m];
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
// "z is non-zero and agrees"; `probe` turns NaN if any element's total is not finite.

function consensus1(a: Float32Array, sa: number, base: Float32Array, div: Float64Array, lambda: number, out: Float32Array): boolean {
  let probe = 0;
  for (let i = 0; i < base.length; i++) {
    const za = sa * a[i];
    const total = 0 + za;
    probe += total * 0;
    const s = 2 * +(total >= 0) - 1;
    const fa = +(za * s > 0);
    const mixed = 0 + za * fa;
    out[i] = base[i] + (mixed / div[fa]) * lambda;
  }
  return probe === 0;
}

function consensus2(a: Float32Array, b: Float32Array, sa: number, sb: number, base: Float32Array, div: Float64Array, lambda: number, out: Float32Array): boolean {
  let probe = 0;
  for (let i = 0; i < base.length; i++) {
    const za = sa * a[i];
    const zb = sb * b[i];
    const total = 0 + za + zb;
    probe += total * 0;
    const s = 2 * +(total >= 0) - 1;
    const fa = +(za * s > 0);
    const fb = +(zb * s > 0);
    const mixed = 0 + za * fa + zb * fb;
    out[i] = base[i] + (mixed / div[fa | (fb << 1)]) * lambda;
  }
  return probe === 0;
}

function consensus3(deltas: readonly Float32Array[], ws: readonly number[], base: Float32Array, div: Float64Array, lambda: number, out: Float32Array): boolean {
  const [a, b, c] = deltas;
  const [sa, sb, sc] = ws;
  let probe = 0;
  for (let i = 0; i < base.length; i++) {
    const za = sa * a[i];
    const zb = sb * b[i];
    const zc = sc * c[i];
    const total = 0 + za + zb + zc;
    probe += total * 0;
    const s = 2 * +(total >= 0) - 1;
    const fa = +(za * s > 0);
    const fb = +(zb * s > 0);
    const fc = +(zc * s > 0);
    const mixed = 0 + za * fa + zb * fb + zc * fc;
    out[i] = base[i] + (mixed / div[fa | (fb << 1) | (fc << 2)]) * lambda;
  }
  return probe === 0;
}
