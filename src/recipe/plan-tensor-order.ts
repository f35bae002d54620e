import { layerIndexOf, withLayerIndex } from "../arch/layer-index.js";
import type { TensorInfo } from "../tensor/tensor-source.js";
import { layerPosition, NON_LAYER_POSITION } from "./evaluate-setting.js";
import { isPreLayerTensor } from "./is-pre-layer-tensor.js";
import type { NormalizedSlice } from "./normalize-slices.js";
import type { Recipe } from "./recipe-schema.js";

/** One output tensor to plan: where its inputs come from and its layer position for gradients. */
export interface PlannedTensor {
  readonly output: string;
  readonly slice: NormalizedSlice;
  /** Tensor name in each source model, parallel to `slice.sources`. */
  readonly inputNames: readonly string[];
  /** Layer position t in [0, 1] (0 for tensors outside the layers). */
  readonly t: number;
}

/**
 * The output tensors in write order. `models:` recipes follow the reference model's own tensor
 * order (base model, else first model). `slices:` recipes write the embeddings (from the first
 * slice's first source), then the layers in output order, renumbered from 0 and each with
 * `t` restarting at 0 in every slice, then the remaining non-layer tensors (from the last slice's
 * first source). Tensors that only other models have are not part of the output.
 */
export function* planTensorOrder(
  recipe: Recipe,
  slices: readonly NormalizedSlice[],
  models: ReadonlyMap<string, { readonly tensors: readonly TensorInfo[] }>,
): Generator<PlannedTensor> {
  const tensorsOf = (ref: string): readonly TensorInfo[] => models.get(ref)?.tensors ?? [];

  if (recipe.slices === undefined) {
    const [slice] = slices;
    const reference = recipe.base_model ?? slice.sources[0].model;
    const n = slice.sources[0].end;
    for (const info of tensorsOf(reference)) {
      const layer = layerIndexOf(info.name);
      const t = layer === undefined || layer >= n ? NON_LAYER_POSITION : layerPosition(layer, n);
      yield { output: info.name, slice, inputNames: slice.sources.map(() => info.name), t };
    }
    return;
  }

  const first = slices[0];
  for (const info of tensorsOf(first.sources[0].model)) {
    if (layerIndexOf(info.name) === undefined && isPreLayerTensor(info.name)) {
      yield { output: info.name, slice: first, inputNames: first.sources.map(() => info.name), t: NON_LAYER_POSITION };
    }
  }

  let outLayer = 0;
  for (const slice of slices) {
    const lead = slice.sources[0];
    const byLayer = new Map<number, TensorInfo[]>();
    for (const info of tensorsOf(lead.model)) {
      const layer = layerIndexOf(info.name);
      if (layer === undefined || layer < lead.start || layer >= lead.end) continue;
      const list = byLayer.get(layer) ?? [];
      list.push(info);
      byLayer.set(layer, list);
    }
    const n = lead.end - lead.start;
    for (let offset = 0; offset < n; offset++) {
      for (const info of byLayer.get(lead.start + offset) ?? []) {
        yield {
          output: withLayerIndex(info.name, outLayer),
          slice,
          inputNames: slice.sources.map((s) => withLayerIndex(info.name, s.start + offset)),
          t: layerPosition(offset, n),
        };
      }
      outLayer += 1;
    }
  }

  const last = slices[slices.length - 1];
  for (const info of tensorsOf(last.sources[0].model)) {
    if (layerIndexOf(info.name) === undefined && !isPreLayerTensor(info.name)) {
      yield { output: info.name, slice: last, inputNames: last.sources.map(() => info.name), t: NON_LAYER_POSITION };
    }
  }
}
