import { RecipeError } from "../errors.js";
import type { MergeMethod } from "../methods/define-merge-method.js";
import { isInertParam, methodParamInfo } from "./method-param-info.js";
import type { ParamSpec } from "./param-spec.js";
import type { SearchSpace } from "./search-space.js";

type Searched = Extract<ParamSpec, { kind: "range" | "choice" }>;

/**
 * One coordinate of a method's genome. The optimiser sees it as [0, 1]; `spec` says how that
 * maps to the parameter: a range linearly onto [lo, hi], a choice cut into equal intervals.
 */
export interface SearchDimension {
  /** Readable and unique, e.g. `weight.count.self_attn.L0-1` or `normalize`. */
  readonly name: string;
  readonly param: string;
  readonly scope: "per_model" | "global";
  /** Index into `space.models` (per-model parameters). */
  readonly model?: number;
  /** The `filters` entry this value is for; null for the tensors no filter matches; absent without filters. */
  readonly filter?: string | null;
  /** Layer group (layers [group*granularity, ...)); absent when there is one group. */
  readonly group?: number;
  readonly spec: Searched;
}

/**
 * Layer groups of a space: ceil(num_layers / layer_granularity), or 1 without a granularity.
 * Throws a RecipeError when a granularity is set but the loop has not filled `num_layers` yet.
 */
export function layerGroupCount(space: SearchSpace): number {
  if (space.layer_granularity === undefined) return 1;
  if (space.num_layers === undefined) {
    throw new RecipeError(space.source, [
      {
        message: "layer_granularity needs num_layers: set it in the file, or let the search loop read it from the base model (withNumLayers)",
        path: ["num_layers"],
      },
    ]);
  }
  return Math.ceil(space.num_layers / space.layer_granularity);
}

/** The parameters of `space` that apply to `method`, per scope, excluding inert ones. */
export function applicableParams(space: SearchSpace, method: MergeMethod<unknown, unknown>): { per_model: [string, ParamSpec][]; global: [string, ParamSpec][] } {
  const info = methodParamInfo(method);
  const pick = (block: Readonly<Record<string, ParamSpec>>, declared: ReadonlyMap<string, unknown>) =>
    Object.entries(block).filter(([name]) => declared.has(name) && !isInertParam(method.name, name));
  return { per_model: pick(space.parameters.per_model, info.perModel), global: pick(space.parameters.global, info.global) };
}

/**
 * The genome of `method` over `space`, in mergekit-evolve's order (parameter, then model, then
 * filter, then layer group): one coordinate per searched value. Numeric ranges get one value
 * per (filter set x layer group); choices (booleans, discrete values) are one value each, since a
 * recipe cannot interpolate them over layers. Fixed values and parameters the method does not
 * declare take no coordinate.
 */
export function searchDimensions(space: SearchSpace, method: MergeMethod<unknown, unknown>): SearchDimension[] {
  const groups = layerGroupCount(space);
  const gran = space.layer_granularity ?? 1;
  const filters: (string | null | undefined)[] = space.filters.length > 0 ? [...space.filters, null] : [undefined];
  const dims: SearchDimension[] = [];
  const params = applicableParams(space, method);

  const expand = (param: string, scope: "per_model" | "global", spec: Searched, model: number | undefined, prefix: string) => {
    if (spec.kind === "choice") {
      dims.push({ name: prefix, param, scope, ...(model !== undefined ? { model } : {}), spec });
      return;
    }
    for (const filter of filters) {
      for (let group = 0; group < groups; group++) {
        let name = prefix;
        if (filter !== undefined) name += `.${filter ?? "rest"}`;
        if (groups > 1) name += `.L${group * gran}-${Math.min((group + 1) * gran, space.num_layers ?? 0) - 1}`;
        dims.push({
          name,
          param,
          scope,
          ...(model !== undefined ? { model } : {}),
          ...(filter !== undefined ? { filter } : {}),
          ...(groups > 1 ? { group } : {}),
          spec,
        });
      }
    }
  };

  for (const [param, spec] of params.per_model) {
    if (spec.kind === "fixed") continue;
    space.models.forEach((m, i) => expand(param, "per_model", spec, i, `${param}.${m.name}`));
  }
  for (const [param, spec] of params.global) {
    if (spec.kind === "fixed") continue;
    expand(param, "global", spec, undefined, param);
  }
  return dims;
}
