import type { ParamValue, Recipe, ScalarOrGradient } from "../recipe/index.js";
import type { ParamSpec } from "../search/index.js";
import { modelLabel, type SpaceSummary } from "./space-summary.js";

/** One searched value of a candidate, named as the search names its genome coordinate. */
export interface CandidateParameter {
  /** `weight.max`, `weight.max.self_attn.L0-1`, `lambda`: searchDimensions' names. */
  readonly name: string;
  readonly param: string;
  readonly scope: "per_model" | "global";
  /** The model's label (per-model parameters). */
  readonly model: string | undefined;
  readonly value: number | boolean;
  /** The space's setting of the parameter; undefined when the space could not be read. */
  readonly spec: ParamSpec | undefined;
}

/**
 * The searched parameters of a candidate, read back from its recipe (what was actually merged), so
 * that no task file or model has to be opened. Names follow `searchDimensions`: parameter, model,
 * then `.filter` (`.rest` for the tensors no filter matches), then `.L<first>-<last>` per layer
 * group of a gradient (decodeCandidate writes one gradient entry per layer, constant within a
 * group of `layer_granularity` layers). Fixed parameters are left out; when the space could not be
 * read every parameter is kept.
 */
export function candidateParameters(recipe: Recipe, space: SpaceSummary): CandidateParameter[] {
  const specs = new Map(space.parameters.map((p) => [`${p.scope}:${p.name}`, p.spec]));
  const searched = (scope: string, param: string) => space.issue !== undefined || (specs.get(`${scope}:${param}`)?.kind ?? "fixed") !== "fixed";
  const granularity = space.layerGranularity ?? 1;
  const out: CandidateParameter[] = [];

  const scalarOrGradient = (value: ScalarOrGradient, name: string, base: Omit<CandidateParameter, "name" | "value">) => {
    if (!Array.isArray(value)) {
      out.push({ ...base, name, value });
      return;
    }
    const groups = Math.ceil(value.length / granularity);
    for (let g = 0; g < groups; g++) {
      const first = g * granularity;
      const last = Math.min(first + granularity, value.length) - 1;
      out.push({ ...base, name: groups > 1 ? `${name}.L${first}-${last}` : name, value: value[first] });
    }
  };
  const add = (value: ParamValue, name: string, base: Omit<CandidateParameter, "name" | "value">) => {
    const conditional = Array.isArray(value) && value.length > 0 && typeof value[0] === "object";
    if (!conditional) {
      scalarOrGradient(value as ScalarOrGradient, name, base);
      return;
    }
    for (const entry of value as Extract<ParamValue, readonly object[]>) {
      const filter = entry.filter === undefined || entry.filter === null || entry.filter === "*" ? "rest" : entry.filter;
      scalarOrGradient(entry.value, `${name}.${filter}`, base);
    }
  };

  const perModel = new Map<string, { model: string; value: ParamValue }[]>();
  (recipe.models ?? []).forEach((m, i) => {
    const model = recipe.models?.length === space.models.length ? space.models[i].name : modelLabel(m.model);
    for (const [param, value] of Object.entries(m.parameters ?? {})) {
      if (!searched("per_model", param)) continue;
      perModel.set(param, [...(perModel.get(param) ?? []), { model, value }]);
    }
  });
  // Parameter-major order, like the genome: weight of every model, then density of every model.
  for (const [param, values] of perModel) {
    for (const { model, value } of values) add(value, `${param}.${model}`, { param, scope: "per_model", model, spec: specs.get(`per_model:${param}`) });
  }
  for (const [param, value] of Object.entries(recipe.parameters ?? {})) {
    if (searched("global", param)) add(value, param, { param, scope: "global", model: undefined, spec: specs.get(`global:${param}`) });
  }
  return out;
}
