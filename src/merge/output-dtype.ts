import { SmeltError } from "../errors.js";
import type { DType } from "../tensor/dtype.js";

/** `--out-type` values and recipe `dtype`/`out_dtype` names (mergekit uses torch's names). */
export type OutType = "f32" | "f16" | "bf16" | "q8_0";

const RECIPE_DTYPES: Readonly<Record<string, DType>> = {
  float32: "F32", fp32: "F32", f32: "F32",
  float16: "F16", fp16: "F16", f16: "F16", half: "F16",
  bfloat16: "BF16", bf16: "BF16",
  q8_0: "Q8_0",
};

/** Maps a recipe dtype name or --out-type to a storage dtype, or throws naming the accepted ones. */
export function parseOutDtype(name: string, where: string): DType {
  const dtype = RECIPE_DTYPES[name.toLowerCase()];
  if (!dtype) {
    throw new SmeltError("usage", `${where}: unknown dtype "${name}"; use one of float32, float16, bfloat16 (or f32, f16, bf16, q8_0 for GGUF)`);
  }
  return dtype;
}

/**
 * The dtype a tensor is stored with in a GGUF output: llama.cpp keeps 1-D tensors (norms, biases)
 * in F32, and Q8_0 needs rows that are a whole number of 32-element blocks.
 */
export function ggufTensorDtype(requested: DType, shape: readonly number[]): DType {
  if (shape.length <= 1) return "F32";
  if (requested === "Q8_0" && shape[shape.length - 1] % 32 !== 0) return "F16";
  return requested;
}
