import type { MergeMethod } from "../methods/define-merge-method.js";
import { methodParamInfo } from "./method-param-info.js";
import { searchDimensions } from "./search-dimensions.js";
import type { SearchSpace } from "./search-space.js";

/**
 * A starting genome for `method`: each coordinate at the space's `init`, else the method's
 * default when it lies in the searched range (density 1 for ties, normalize true), else the
 * middle of the range (Sakana's x0 = 0.5; `weight` has no default). Used as CMA-ES's initial
 * mean, so the search starts from the merge a user would run untuned.
 */
export function encodeDefaults(space: SearchSpace, method: MergeMethod<unknown, unknown>): number[] {
  const info = methodParamInfo(method);
  return searchDimensions(space, method).map((d) => {
    const declared = (d.scope === "per_model" ? info.perModel : info.global).get(d.param);
    const parsed = declared?.schema.safeParse(undefined);
    const fallback: unknown = parsed?.success ? parsed.data : undefined;
    if (d.spec.kind === "range") {
      const { lo, hi } = d.spec;
      const v = d.spec.init ?? (typeof fallback === "number" && fallback >= lo && fallback <= hi ? fallback : (lo + hi) / 2);
      return (v - lo) / (hi - lo);
    }
    const k = d.spec.choices.length;
    const idx = d.spec.choices.findIndex((c) => c === fallback);
    // The centre of the choice's interval: the decode is the same after small steps either way.
    return idx >= 0 ? (idx + 0.5) / k : 0.5;
  });
}
