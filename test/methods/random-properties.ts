import type { ConformanceCase, Property } from "./conformance-fixtures.js";

/**
 * The statistical properties of the conformance README ("Random methods"), computed from one
 * single-model output drawn with smelt's own random source. `probs` are the keep probabilities
 * (della: per-row rank formula), used only to split della's entries into rank halves.
 */
export function measureProperty(
  p: Property,
  c: ConformanceCase,
  model: Float32Array,
  base: Float32Array,
  out: Float32Array,
): number {
  const n = base.length;
  let keptCount = 0;
  let num = 0;
  let den = 0;
  let l1Diff = 0;
  let l1D = 0;
  for (let i = 0; i < n; i++) {
    const d = model[i] - base[i];
    const diff = out[i] - base[i];
    l1Diff += Math.abs(diff);
    l1D += Math.abs(d);
    if (diff !== 0) {
      keptCount++;
      num += diff * d;
      den += d * d;
    }
  }
  const scale = num / den;
  switch (p.name) {
    case "kept_fraction":
      return keptCount / n;
    case "kept_scale":
      return scale;
    case "l1_ratio":
      return l1Diff / l1D;
    case "kept_residual_max": {
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const diff = out[i] - base[i];
        if (diff !== 0) worst = Math.max(worst, Math.abs(diff - scale * (model[i] - base[i])));
      }
      return worst;
    }
    case "kept_fraction_top_half":
    case "kept_fraction_bottom_half": {
      const position = rowRankPositions(model, base, c.shape);
      const top = p.name === "kept_fraction_top_half";
      let count = 0;
      let kept = 0;
      for (let i = 0; i < n; i++) {
        if (top ? position[i] > 0.5 : position[i] < 0.5) {
          count++;
          if (out[i] - base[i] !== 0) kept++;
        }
      }
      return kept / count;
    }
    default:
      throw new Error(`${c.id}: unknown property ${p.name}`);
  }
}

/** (r - 1)/(m - 1) for every entry, r its ascending |d| rank within its row (last dimension). */
function rowRankPositions(model: Float32Array, base: Float32Array, shape: readonly number[]): Float64Array {
  const n = base.length;
  const m = shape.length <= 1 ? n : shape[shape.length - 1];
  const position = new Float64Array(n);
  for (let start = 0; start < n; start += m) {
    const idx = Array.from({ length: m }, (_, j) => start + j);
    idx.sort((a, b) => Math.abs(model[a] - base[a]) - Math.abs(model[b] - base[b]));
    idx.forEach((i, r) => (position[i] = r / (m - 1)));
  }
  return position;
}

export function propertyHolds(p: Property, value: number): boolean {
  const tol = p.rel_tol !== undefined ? p.rel_tol * Math.abs(p.expected) : (p.abs_tol ?? 0);
  return Math.abs(value - p.expected) <= tol;
}
