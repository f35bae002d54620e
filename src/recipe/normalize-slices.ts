import type { Params } from "./param-value.js";
import type { Recipe } from "./recipe-schema.js";

type Path = readonly (string | number)[];

/** One input of an output slice: layers [start, end) of `model`. */
export interface SliceSource {
  readonly model: string;
  readonly start: number;
  readonly end: number;
  readonly params?: Params;
  /** Where the source is written in the recipe (for messages). */
  readonly path: Path;
  /** Added because it is the base model and was not listed (mergekit appends it). */
  readonly implicitBase: boolean;
}

export interface NormalizedSlice {
  readonly sources: readonly SliceSource[];
  readonly params?: Params;
  readonly path: Path;
}

/**
 * Both recipe syntaxes as one list of output slices, without touching the recipe (a new value):
 * `slices:` as written; `models:` as one slice covering every layer of every model, with the base
 * model appended when it is not listed (mergekit's planner does the same, which fixes the input
 * order the methods see). `layerCount` gives a model's number of layers (models syntax only).
 */
export function normalizeSlices(recipe: Recipe, layerCount: (model: string) => number): NormalizedSlice[] {
  if (recipe.slices !== undefined) {
    return recipe.slices.map((s, i) => ({
      params: s.parameters,
      path: ["slices", i],
      sources: s.sources.map((src, j) => ({
        model: src.model,
        start: src.layer_range[0],
        end: src.layer_range[1],
        params: src.parameters,
        path: ["slices", i, "sources", j],
        implicitBase: false,
      })),
    }));
  }
  const models = recipe.models ?? [];
  const sources: SliceSource[] = models.map((m, i) => ({
    model: m.model,
    start: 0,
    end: layerCount(m.model),
    params: m.parameters,
    path: ["models", i],
    implicitBase: false,
  }));
  const base = recipe.base_model;
  if (base !== undefined && !models.some((m) => m.model === base)) {
    sources.push({ model: base, start: 0, end: layerCount(base), path: ["base_model"], implicitBase: true });
  }
  return [{ sources, path: ["models"] }];
}
