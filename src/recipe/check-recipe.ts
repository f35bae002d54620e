import type { Issue } from "../errors.js";
import type { MergeMethod } from "../methods/define-merge-method.js";
import { checkRecipeMethod, lookupMethod } from "./check-recipe-method.js";
import { normalizeSlices } from "./normalize-slices.js";
import type { Recipe } from "./recipe-schema.js";

/**
 * Everything about a parsed recipe that can be checked without opening a model (for
 * `smelt validate` and for search spaces that generate recipes): the method exists, parameter
 * names belong to it and sit in a scope that can set them, the base model and the number of
 * models per slice suit it. An empty list means only tensor-level problems remain possible
 * (missing tensors, shapes, per-tensor parameter values), which `planMerge` reports.
 */
export function checkRecipe(recipe: Recipe, methods: Readonly<Record<string, MergeMethod<unknown, unknown>>>): Issue[] {
  const method = lookupMethod(recipe, methods);
  if (!("merge" in method)) return [method];
  // Layer counts only matter to the tensor walk; models syntax has one slice either way.
  return checkRecipeMethod(recipe, method, normalizeSlices(recipe, () => 0));
}
