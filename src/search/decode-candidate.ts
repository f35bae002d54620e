import type { MergeMethod } from "../methods/define-merge-method.js";
import type { ConditionalSetting, ParamValue, Params } from "../recipe/param-value.js";
import type { Recipe } from "../recipe/recipe-schema.js";
import type { ParamSpec } from "./param-spec.js";
import { applicableParams, layerGroupCount, searchDimensions, type SearchDimension } from "./search-dimensions.js";
import type { SearchSpace } from "./search-space.js";

/** A coordinate of [0, 1] as the parameter value its dimension stands for. */
export function decodeValue(spec: SearchDimension["spec"], x: number): number | boolean {
  if (spec.kind === "range") return spec.lo + x * (spec.hi - spec.lo);
  const k = spec.choices.length;
  return spec.choices[Math.min(k - 1, Math.floor(x * k))];
}

/**
 * The mergekit recipe that genome `x` (in [0, 1]^n, laid out as `searchDimensions`) stands for:
 *
 * - `models`: the space's models, each with its per-model parameters; `base_model` when the method
 *   uses one as its base (a method that treats a base as just another input, like linear, gets
 *   none: the base is not merged in);
 * - a searched numeric value is a scalar with one layer group, else a gradient with one entry per
 *   layer, constant within each group (a gradient of num_layers values puts entry i exactly on
 *   layer i, so groups do not blur into each other); embeddings, final norm and lm_head take
 *   the first group's value, as mergekit evaluates gradients at t = 0 for them;
 * - with `filters`, a `[{filter, value}, ..., {value}]` list: one entry per filter and a last
 *   entry without a filter for every other tensor;
 * - global parameters at the top level, `dtype` from the space, and the space's `seed` for
 *   stochastic methods, so every candidate draws the same DARE/DELLA masks and candidates
 *   differ only by their coefficients (paired comparisons, less noise).
 */
export function decodeCandidate(space: SearchSpace, method: MergeMethod<unknown, unknown>, x: readonly number[]): Recipe {
  const dims = searchDimensions(space, method);
  if (x.length !== dims.length) {
    throw new RangeError(`${method.name} over ${space.source} has ${dims.length} dimensions; the candidate has ${x.length}`);
  }
  x.forEach((v, i) => {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`candidate coordinate ${i} (${dims[i].name}) is ${v}; coordinates lie in [0, 1]`);
  });
  const groups = layerGroupCount(space);
  const gran = space.layer_granularity ?? 1;
  const layers = space.num_layers ?? 1;

  const valueOf = (param: string, scope: "per_model" | "global", spec: ParamSpec, model: number | undefined): ParamValue => {
    if (spec.kind === "fixed") return spec.value;
    const mine = dims.map((d, i) => ({ d, v: x[i] })).filter(({ d }) => d.param === param && d.scope === scope && d.model === model);
    if (spec.kind === "choice") return decodeValue(spec, mine[0].v);
    const forFilter = (filter: string | null | undefined): number | number[] => {
      const values = mine.filter(({ d }) => d.filter === filter).map(({ d, v }) => decodeValue(d.spec, v) as number);
      if (groups === 1) return values[0];
      return Array.from({ length: layers }, (_, layer) => values[Math.floor(layer / gran)]);
    };
    if (space.filters.length === 0) return forFilter(undefined);
    const entries: ConditionalSetting[] = space.filters.map((filter) => ({ filter, value: forFilter(filter) }));
    entries.push({ value: forFilter(null) });
    return entries;
  };

  const params = applicableParams(space, method);
  const models = space.models.map((m, i) => {
    const own: Params = Object.fromEntries(params.per_model.map(([p, spec]) => [p, valueOf(p, "per_model", spec, i)]));
    return Object.keys(own).length > 0 ? { model: m.model, parameters: own } : { model: m.model };
  });
  const global: Params = Object.fromEntries(params.global.map(([p, spec]) => [p, valueOf(p, "global", spec, undefined)]));
  const usesBase = method.base === "required" || method.base === "optional";
  return {
    merge_method: method.name,
    models,
    ...(usesBase && space.base_model !== undefined ? { base_model: space.base_model } : {}),
    ...(Object.keys(global).length > 0 ? { parameters: global } : {}),
    ...(space.dtype !== undefined ? { dtype: space.dtype } : {}),
    ...(method.stochastic ? { seed: space.seed } : {}),
  };
}
