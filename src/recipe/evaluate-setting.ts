import type { ConditionalSetting, ParamScalar, ParamValue, ScalarOrGradient } from "./param-value.js";

/**
 * Position of layer `i` within an output slice of `n` layers, in [0, 1]: `i/(n-1)`, and 1 for a
 * one-layer slice (mergekit's planner, per the conformance README). Tensors outside the layers use
 * `NON_LAYER_POSITION`.
 */
export function layerPosition(i: number, n: number): number {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(i) || i < 0 || i >= n) {
    throw new RangeError(`layer ${i} is not inside a slice of ${n} layers`);
  }
  return n === 1 ? 1 : i / (n - 1);
}

/** Embeddings, final norm and lm_head are planned at t = 0: they get a gradient's first value. */
export const NON_LAYER_POSITION = 0;

/**
 * A gradient evaluated at `t`: piecewise-linear over evenly spaced points. The operations and
 * their order follow mergekit exactly (`s = t*(L-1)`, `i0 = trunc(s)`, `(1-f)*v[i0] + f*v[i1]`) so
 * results agree to the last bit; a `t` outside [0, 1] is not clamped (mergekit does not clamp).
 */
export function evaluateGradient(values: readonly number[], t: number): number {
  if (values.length === 0) throw new RangeError("empty gradient");
  const scaled = t * (values.length - 1);
  const i0 = Math.trunc(scaled);
  const i1 = Math.min(values.length - 1, i0 + 1);
  const frac = scaled - i0;
  return (1 - frac) * values[i0] + frac * values[i1];
}

function isConditionalList(v: ParamValue): v is ConditionalSetting[] {
  return Array.isArray(v) && v.length > 0 && typeof v[0] === "object" && v[0] !== null;
}

function evaluateScalarOrGradient(v: ScalarOrGradient, t: number): ParamScalar {
  return Array.isArray(v) ? evaluateGradient(v, t) : v;
}

/** Whether a `{filter, value}` entry applies to `tensorName`: plain substring, no globbing. */
export function filterMatches(filter: string | null | undefined, tensorName: string): boolean {
  return filter === undefined || filter === null || filter === "*" || tensorName.includes(filter);
}

/**
 * The value a setting gives tensor `tensorName` at layer position `t`, or undefined when it is a
 * filter list none of whose entries matches (the caller then falls through to the next scope).
 */
export function evaluateSetting(setting: ParamValue, tensorName: string, t: number): ParamScalar | undefined {
  if (!isConditionalList(setting)) return evaluateScalarOrGradient(setting as ScalarOrGradient, t);
  for (const entry of setting) {
    if (filterMatches(entry.filter, tensorName)) return evaluateScalarOrGradient(entry.value, t);
  }
  return undefined;
}
