/**
 * An independent reference for float32 -> narrow-float rounding, written without bit tricks: build
 * the sorted list of every non-negative finite value the narrow format can hold (from the IEEE
 * formula with Math.pow), then pick the nearest by distance in float64 (exact for these magnitudes),
 * breaking ties towards the even bit pattern. Overflow follows IEEE 754 §4.3.1: a value rounds to
 * Inf when it rounds past the largest finite number with an unbounded exponent, so the grid gets one
 * extra point, 2^(emax+1), that stands for Inf.
 */

export interface NarrowFormat {
  readonly exponentBits: number;
  readonly mantissaBits: number;
}

export const HALF: NarrowFormat = { exponentBits: 5, mantissaBits: 10 };
export const BFLOAT16: NarrowFormat = { exponentBits: 8, mantissaBits: 7 };

/** Value of a non-negative narrow-format bit pattern (finite only), via the IEEE formula. */
export function narrowValue(format: NarrowFormat, bits: number): number {
  const { exponentBits: eb, mantissaBits: mb } = format;
  const bias = 2 ** (eb - 1) - 1;
  const e = bits >> mb;
  const m = bits & ((1 << mb) - 1);
  if (e === 0) return Math.pow(2, 1 - bias) * (m / 2 ** mb);
  return Math.pow(2, e - bias) * (1 + m / 2 ** mb);
}

const grids = new Map<NarrowFormat, Float64Array>();

function grid(format: NarrowFormat): Float64Array {
  let g = grids.get(format);
  if (g === undefined) {
    const infBits = ((1 << format.exponentBits) - 1) << format.mantissaBits;
    g = new Float64Array(infBits + 1);
    for (let b = 0; b < infBits; b++) g[b] = narrowValue(format, b);
    g[infBits] = Math.pow(2, 2 ** (format.exponentBits - 1)); // 2^(emax+1): "Inf" for rounding
    grids.set(format, g);
  }
  return g;
}

/**
 * Expected narrow bit pattern for a non-NaN float32 value `v` (given as a JS number), or undefined
 * for NaN (checked separately).
 */
export function referenceRound(format: NarrowFormat, v: number): number | undefined {
  if (Number.isNaN(v)) return undefined;
  const total = 1 + format.exponentBits + format.mantissaBits;
  const signBit = v < 0 || Object.is(v, -0) ? 1 << (total - 1) : 0;
  const a = Math.abs(v);
  const g = grid(format);
  const infBits = g.length - 1;
  if (a === Infinity) return signBit | infBits;
  // Binary search for the first grid point >= a.
  let lo = 0;
  let hi = infBits;
  if (a >= g[infBits]) return signBit | infBits;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (g[mid] < a) lo = mid + 1;
    else hi = mid;
  }
  if (g[lo] === a || lo === 0) return signBit | lo;
  const below = lo - 1;
  const dBelow = a - g[below];
  const dAbove = g[lo] - a;
  if (dBelow < dAbove) return signBit | below;
  if (dAbove < dBelow) return signBit | lo;
  return signBit | (below % 2 === 0 ? below : lo);
}

/** The float32 with these bits, as a number. */
export function f32FromBits(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits >>> 0, true);
  return view.getFloat32(0, true);
}
