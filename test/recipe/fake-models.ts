import type { PlanModel } from "../../src/recipe/plan-merge.js";
import type { DType } from "../../src/tensor/dtype.js";
import type { TensorInfo } from "../../src/tensor/tensor-source.js";

const BYTES: Partial<Record<DType, number>> = { F32: 4, BF16: 2, F16: 2, I64: 8 };

function info(name: string, shape: number[], dtype: DType): TensorInfo {
  return { name, shape, dtype, byteLength: shape.reduce((a, b) => a * b, 1) * (BYTES[dtype] ?? 4) };
}

/**
 * A Llama-shaped tensor list: embeddings, `layers` blocks of three tensors, final norm, lm_head,
 * in safetensors' alphabetical file order (lm_head first), like a real checkpoint.
 */
export function llamaTensors(layers: number, opts: { hidden?: number; vocab?: number; dtype?: DType } = {}): TensorInfo[] {
  const h = opts.hidden ?? 8;
  const v = opts.vocab ?? 16;
  const dtype = opts.dtype ?? "BF16";
  const list: TensorInfo[] = [info("lm_head.weight", [v, h], dtype), info("model.embed_tokens.weight", [v, h], dtype)];
  for (let i = 0; i < layers; i++) {
    list.push(
      info(`model.layers.${i}.input_layernorm.weight`, [h], dtype),
      info(`model.layers.${i}.mlp.up_proj.weight`, [2 * h, h], dtype),
      info(`model.layers.${i}.self_attn.q_proj.weight`, [h, h], dtype),
    );
  }
  list.push(info("model.norm.weight", [h], dtype));
  return list;
}

export function modelSet(entries: Record<string, TensorInfo[]>): ReadonlyMap<string, PlanModel> {
  return new Map(Object.entries(entries).map(([k, tensors]) => [k, { tensors }]));
}

export { info as tensorInfo };
