import { layerIndexOf } from "../arch/layer-index.js";
import { RecipeError, ShapeMismatchError, type Issue } from "../errors.js";
import type { MergeMethod } from "../methods/define-merge-method.js";
import type { TensorInfo } from "../tensor/tensor-source.js";
import { checkRecipeMethod, lookupMethod, usesBaseAsBase } from "./check-recipe-method.js";
import { dtypeFromName } from "./dtype-name.js";
import { IssueCollector } from "./issue-collector.js";
import type { MergePlan, MergeStep, OutputTensor, TensorRef } from "./merge-plan.js";
import { normalizeSlices, type NormalizedSlice } from "./normalize-slices.js";
import type { Recipe } from "./recipe-schema.js";
import { resolveStepParams, type StepInput } from "./resolve-step-params.js";
import { planTensorOrder, type PlannedTensor } from "./plan-tensor-order.js";

/** What the planner needs to know about an input model: its tensors, under its own names. */
export interface PlanModel {
  readonly tensors: readonly TensorInfo[];
}

/** Integer tensors (position ids, masks) are never converted to a float output dtype. */
const INTEGER_DTYPES = new Set(["I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL"]);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Turns a recipe into a `MergePlan`: one step per output tensor, naming the input tensors, the
 * method and its fully resolved parameters.
 *
 * - `models:` recipes merge every tensor of the base model (or the first model when there is no
 *   base); every model must have each tensor, with the same shape.
 * - `slices:` recipes build the output layer by layer: output slice k's layers follow slice k-1's
 *   and are renamed to their output position; embeddings come from the first slice's sources and
 *   the final norm / lm_head from the last slice's.
 *
 * `models` maps each model reference, exactly as written in the recipe, to its tensor list.
 * `methods` is the method registry (injected so tests can use small fakes). Recipe problems are
 * collected and thrown together as one `RecipeError`; when the recipe is fine but two inputs of a
 * tensor disagree in shape, a `ShapeMismatchError` names the tensor and the models.
 */
export function planMerge(
  recipe: Recipe,
  models: ReadonlyMap<string, PlanModel>,
  methods: Readonly<Record<string, MergeMethod<unknown, unknown>>>,
  sourceName = "recipe",
): MergePlan {
  const found = lookupMethod(recipe, methods);
  if (!("merge" in found)) throw new RecipeError(sourceName, [found]);
  const method = found;

  const indexes = new Map<string, Map<string, TensorInfo>>();
  for (const [ref, m] of models) indexes.set(ref, new Map(m.tensors.map((t) => [t.name, t])));
  const layerCount = (ref: string): number => {
    let n = 0;
    for (const t of models.get(ref)?.tensors ?? []) n = Math.max(n, (layerIndexOf(t.name) ?? -1) + 1);
    return n;
  };

  const slices = normalizeSlices(recipe, layerCount);
  const staticIssues: Issue[] = [...checkRecipeMethod(recipe, method, slices), ...checkInputs(recipe, slices, models, layerCount)];
  if (staticIssues.length > 0) throw new RecipeError(sourceName, staticIssues);

  const baseAsBase = usesBaseAsBase(method, recipe);
  const outDtype = dtypeFromName(recipe.out_dtype ?? recipe.dtype ?? "");
  const collector = new IssueCollector();
  const mismatches: { tensor: string; detail: string }[] = [];
  const outputTensors: OutputTensor[] = [];
  const steps: MergeStep[] = [];

  for (const planned of planTensorOrder(recipe, slices, models)) {
    const step = planStep(planned);
    if (step !== undefined) steps.push(step);
  }
  if (collector.size > 0) throw new RecipeError(sourceName, collector.issues());
  if (mismatches.length > 0) {
    const [first] = mismatches;
    const n = mismatches.length - 1;
    const more = n === 0 ? "" : n === 1 ? " (1 more tensor differs too)" : ` (${n} more tensors differ too)`;
    throw new ShapeMismatchError(first.tensor, `${first.detail}${more}`);
  }

  const tokenizerSource = recipe.tokenizer?.source ?? recipe.tokenizer_source;
  return deepFreeze({
    method: method.name,
    outputTensors,
    steps,
    tokenizerSource:
      tokenizerSource === undefined || tokenizerSource === "base"
        ? (recipe.base_model ?? slices[0].sources[0].model)
        : tokenizerSource,
    ...(recipe.chat_template !== undefined ? { chatTemplate: recipe.chat_template } : {}),
  });

  function planStep({ output, slice, inputNames, t }: PlannedTensor): MergeStep | undefined {
    const infos: TensorInfo[] = [];
    slice.sources.forEach((src, i) => {
      const info = indexes.get(src.model)?.get(inputNames[i]);
      if (info === undefined) {
        collector.add(`missing:${src.model}`, {
          message: `model "${src.model}" has no tensor "${inputNames[i]}" (needed for output tensor "${output}")`,
          path: [...src.path, ...(src.implicitBase ? [] : ["model"])],
        });
      } else infos.push(info);
    });
    if (infos.length !== slice.sources.length) return undefined;
    const shape = infos[0].shape;
    const odd = infos.findIndex((info) => !sameShape(info.shape, shape));
    if (odd >= 0) {
      const desc = slice.sources.map((s, i) => `"${s.model}" has [${infos[i].shape.join(", ")}]`).join(", ");
      mismatches.push({ tensor: output, detail: `inputs disagree: ${desc}` });
      return undefined;
    }

    const isBase = (i: number) => baseAsBase && slice.sources[i].model === recipe.base_model;
    const ref = (i: number): TensorRef => ({ model: slice.sources[i].model, tensor: inputNames[i] });
    const inputIdx = slice.sources.map((_, i) => i).filter((i) => !isBase(i));
    const baseIdx = slice.sources.findIndex((_, i) => isBase(i));
    const stepInputs: StepInput[] = inputIdx.map((i) => ({ source: slice.sources[i], tensor: inputNames[i] }));
    const resolved = resolveStepParams(method, recipe, slice, output, t, stepInputs, collector);
    if (resolved === undefined) return undefined;

    const dtype = INTEGER_DTYPES.has(infos[0].dtype) ? infos[0].dtype : (outDtype ?? infos[0].dtype);
    outputTensors.push({ name: output, shape: [...shape], dtype });
    return {
      output,
      shape: [...shape],
      method: method.name,
      inputs: inputIdx.map(ref),
      ...(baseIdx >= 0 ? { base: ref(baseIdx) } : {}),
      params: resolved.params,
      perModel: resolved.perModel,
      ...(method.stochastic ? { seed: recipe.seed ?? 0 } : {}),
    };
  }
}

/** Every referenced model was loaded, and every slice's layer range exists in its model. */
function checkInputs(
  recipe: Recipe,
  slices: readonly NormalizedSlice[],
  models: ReadonlyMap<string, PlanModel>,
  layerCount: (ref: string) => number,
): Issue[] {
  const issues: Issue[] = [];
  const reported = new Set<string>();
  for (const slice of slices) {
    for (const src of slice.sources) {
      const at = src.implicitBase ? src.path : [...src.path, "model"];
      if (!models.has(src.model)) {
        if (!reported.has(src.model)) {
          issues.push({ message: `model "${src.model}" was not loaded: the planner got no tensor list for it`, path: at });
          reported.add(src.model);
        }
        continue;
      }
      const n = layerCount(src.model);
      if (recipe.slices !== undefined && src.end > n) {
        issues.push({
          message: `model "${src.model}" has ${n} layers (0-${n - 1}); layer_range [${src.start}, ${src.end}] reaches past them (the end is exclusive)`,
          path: [...src.path, "layer_range"],
        });
      }
    }
    if (recipe.slices === undefined) {
      const counts = slice.sources.filter((s) => models.has(s.model)).map((s) => ({ s, n: layerCount(s.model) }));
      const odd = counts.find((c) => c.n !== counts[0].n);
      if (odd !== undefined) {
        issues.push({
          message: `all models must have the same number of layers: ${counts.map((c) => `"${c.s.model}" has ${c.n}`).join(", ")}; use slices to merge layer ranges`,
          path: odd.s.implicitBase ? odd.s.path : [...odd.s.path, "model"],
        });
      }
    }
  }
  return issues;
}
