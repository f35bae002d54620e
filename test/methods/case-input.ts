import type { AnyMergeMethod, MergeInput } from "../../src/methods/index.js";
import type { ConformanceCase } from "./conformance-fixtures.js";

/**
 * Maps a conformance case onto a method call the way the recipe layer will: global params through
 * the method's `params` schema, each model's params (falling back to the case's global block)
 * through `perModel`, the base split off unless the method treats it as an ordinary input.
 */
export interface CaseCall {
  readonly input: MergeInput<unknown, unknown>;
  /** Model names parallel to `input.tensors`. */
  readonly names: readonly string[];
  /** Parsed per-model params by model name (the base too when it is an input). */
  readonly resolvedModels: Record<string, unknown>;
}

export function caseCall(
  method: AnyMergeMethod,
  c: ConformanceCase,
  tensors: ReadonlyMap<string, Float32Array>,
  random: () => number,
  withMasks: boolean,
): CaseCall {
  const tensorOf = (name: string) => {
    const t = tensors.get(c.inputs[name]);
    if (!t) throw new Error(`${c.id}: tensor ${c.inputs[name]} missing from fixtures`);
    return t;
  };
  const baseIsInput = method.base === "input";
  const names = c.input_order.filter((name) => baseIsInput || name !== c.base_model);
  const paramsOf = (name: string) => c.models.find((m) => m.name === name)?.params ?? {};
  const perModel = names.map((name) => method.perModel.parse({ ...c.global_params, ...paramsOf(name) }));
  const masks =
    withMasks && c.masks
      ? names.map((name) => {
          const m = tensors.get(c.masks![name])!;
          return Uint8Array.from(m, (v) => (v !== 0 ? 1 : 0));
        })
      : undefined;
  const input: MergeInput<unknown, unknown> = {
    tensorName: c.tensor,
    shape: c.shape,
    tensors: names.map(tensorOf),
    perModel,
    base: !baseIsInput && c.base_model ? tensorOf(c.base_model) : undefined,
    params: method.params.parse(c.global_params),
    random,
    ...(masks ? { masks } : {}),
  };
  return { input, names, resolvedModels: Object.fromEntries(names.map((n, i) => [n, perModel[i]])) };
}
