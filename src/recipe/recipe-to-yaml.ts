import { Document, isScalar, visit } from "yaml";
import type { ConditionalSetting, ParamValue, Params } from "./param-value.js";
import { RECIPE_KEYS, type InputModel, type InputSlice, type OutputSlice, type Recipe } from "./recipe-schema.js";

/** Copies with a fixed key order and without undefined keys: the YAML reads top to bottom like mergekit's examples. */
function ordered<T extends object>(obj: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function cleanValue(v: ParamValue): ParamValue {
  if (!Array.isArray(v) || v.length === 0 || typeof v[0] !== "object") return v;
  return (v as ConditionalSetting[]).map((c) => ordered(c, ["filter", "value"]) as ConditionalSetting);
}

function cleanParams(p: Params | undefined): Params | undefined {
  if (p === undefined) return undefined;
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, cleanValue(v)]));
}

function cleanModel(m: InputModel): InputModel {
  return ordered({ ...m, parameters: cleanParams(m.parameters) }, ["model", "parameters"]) as InputModel;
}

function cleanSource(s: InputSlice): InputSlice {
  return ordered({ ...s, parameters: cleanParams(s.parameters) }, ["model", "layer_range", "parameters"]) as InputSlice;
}

function cleanSlice(s: OutputSlice): OutputSlice {
  return ordered({ sources: s.sources.map(cleanSource), parameters: cleanParams(s.parameters) }, ["sources", "parameters"]) as OutputSlice;
}

/**
 * A recipe as a clean mergekit-compatible YAML document (what `smelt export` writes): keys in
 * mergekit's order, number lists in flow style (`t: [0, 0.5, 1]`, `layer_range: [0, 16]`), no
 * defaults filled in. `parseRecipe(recipeToYaml(r))` deep-equals `r`. smelt's own `seed` is kept:
 * mergekit ignores keys it does not know, so the file still runs there.
 */
export function recipeToYaml(recipe: Recipe): string {
  const plain = ordered(
    {
      ...recipe,
      models: recipe.models?.map(cleanModel),
      slices: recipe.slices?.map(cleanSlice),
      parameters: cleanParams(recipe.parameters),
    },
    RECIPE_KEYS,
  );
  const doc = new Document(plain);
  visit(doc, {
    Seq(_, node) {
      if (node.items.length > 0 && node.items.every((i) => isScalar(i) && typeof i.value === "number")) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
