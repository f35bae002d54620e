import type { Issue } from "../errors.js";
import type { MergeMethod } from "../methods/define-merge-method.js";
import { didYouMean } from "./closest-name.js";
import { methodParamNames } from "./method-param-names.js";
import type { NormalizedSlice } from "./normalize-slices.js";
import type { Params } from "./param-value.js";
import type { Recipe } from "./recipe-schema.js";

type Path = readonly (string | number)[];

/** Every `parameters:` block of the recipe with its path and whether it is a model's own. */
function paramBlocks(recipe: Recipe): { params: Params; path: Path; perModelScope: boolean }[] {
  const blocks: { params: Params; path: Path; perModelScope: boolean }[] = [];
  if (recipe.parameters) blocks.push({ params: recipe.parameters, path: ["parameters"], perModelScope: false });
  recipe.models?.forEach((m, i) => {
    if (m.parameters) blocks.push({ params: m.parameters, path: ["models", i, "parameters"], perModelScope: true });
  });
  recipe.slices?.forEach((s, i) => {
    if (s.parameters) blocks.push({ params: s.parameters, path: ["slices", i, "parameters"], perModelScope: false });
    s.sources.forEach((src, j) => {
      if (src.parameters) {
        blocks.push({ params: src.parameters, path: ["slices", i, "sources", j, "parameters"], perModelScope: true });
      }
    });
  });
  return blocks;
}

function describeParams(method: MergeMethod<unknown, unknown>, global: readonly string[], perModel: readonly string[]): string {
  const parts: string[] = [];
  if (global.length > 0) parts.push(`global: ${global.join(", ")}`);
  if (perModel.length > 0) parts.push(`per model: ${perModel.join(", ")}`);
  return parts.length > 0 ? `${method.name} takes ${parts.join("; ")}` : `${method.name} takes no parameters`;
}

function describeCount([min, max]: readonly [number, number]): string {
  if (min === max) return `exactly ${min}`;
  if (!Number.isFinite(max)) return `at least ${min}`;
  return `${min} to ${max}`;
}

/** Whether the base model is handed to the method as its base (not as one more input). */
export function usesBaseAsBase(method: MergeMethod<unknown, unknown>, recipe: Recipe): boolean {
  return recipe.base_model !== undefined && (method.base === "required" || method.base === "optional");
}

/** The method named by the recipe, or an issue listing the known ones. */
export function lookupMethod(recipe: Recipe, methods: Readonly<Record<string, MergeMethod<unknown, unknown>>>): MergeMethod<unknown, unknown> | Issue {
  const name = recipe.merge_method;
  if (Object.hasOwn(methods, name)) return methods[name];
  const known = Object.keys(methods).sort();
  return {
    message: `unknown merge method "${name}"${didYouMean(name, known)}; known methods: ${known.join(", ")}`,
    path: ["merge_method"],
  };
}

/**
 * Checks a recipe against its merge method without looking at any tensor: parameter names and
 * where they are set, the base model, and how many models each output slice feeds the method.
 */
export function checkRecipeMethod(recipe: Recipe, method: MergeMethod<unknown, unknown>, slices: readonly NormalizedSlice[]): Issue[] {
  const issues: Issue[] = [];
  const names = methodParamNames(method);
  if (names.global !== undefined && names.perModel !== undefined) {
    const global = names.global;
    const perModel = names.perModel;
    for (const block of paramBlocks(recipe)) {
      for (const key of Object.keys(block.params)) {
        if (block.perModelScope && global.includes(key) && !perModel.includes(key)) {
          issues.push({
            message: `"${key}" is a global parameter of ${method.name}: a model's own parameters cannot set it; move it to the top-level or slice parameters`,
            path: [...block.path, key],
          });
        } else if (!global.includes(key) && !perModel.includes(key)) {
          issues.push({
            message: `"${key}" is not a parameter of ${method.name}${didYouMean(key, [...global, ...perModel])}; ${describeParams(method, global, perModel)}`,
            path: [...block.path, key],
          });
        }
      }
    }
  }

  if (method.base === "required" && recipe.base_model === undefined) {
    issues.push({ message: `${method.name} needs a base_model (the model the others are compared to)`, path: ["base_model"] });
  }
  const baseAsBase = usesBaseAsBase(method, recipe);
  for (const slice of slices) {
    const where = recipe.slices !== undefined ? "this slice" : "this recipe";
    const listPath = recipe.slices !== undefined ? [...slice.path, "sources"] : ["models"];
    if (baseAsBase && !slice.sources.some((s) => s.model === recipe.base_model)) {
      issues.push({
        message: `${method.name} uses base_model "${recipe.base_model}", which is not among the sources of ${where}; add it with the same layer_range`,
        path: listPath,
      });
    }
    const count = slice.sources.filter((s) => !(baseAsBase && s.model === recipe.base_model)).length;
    const [min, max] = method.models;
    if (count < min || count > max) {
      const besides = baseAsBase ? " besides the base model" : recipe.base_model !== undefined ? " (the base model counts as one)" : "";
      issues.push({
        message: `${method.name} takes ${describeCount(method.models)} model${max === 1 ? "" : "s"}${besides}; ${where} gives ${count}`,
        path: listPath,
      });
    }
    if (recipe.slices !== undefined) {
      const lengths = slice.sources.map((s) => s.end - s.start);
      if (lengths.some((n) => n !== lengths[0])) {
        issues.push({
          message: `all sources of a slice must have the same number of layers; got ${slice.sources.map((s) => `${s.model}: ${s.end - s.start}`).join(", ")}`,
          path: listPath,
        });
      }
    }
  }
  return issues;
}
