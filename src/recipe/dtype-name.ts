import type { FloatDType } from "../tensor/dtype.js";

/**
 * `dtype:` / `out_dtype:` values. mergekit hands the name to torch (`torch.<name>`), so recipes in
 * the wild use torch's spellings; smelt's own safetensors-style names are accepted too.
 * Integer and quantised types are not merge outputs and are not listed.
 */
const DTYPE_NAMES: Readonly<Record<string, FloatDType>> = {
  float32: "F32",
  float: "F32",
  fp32: "F32",
  F32: "F32",
  float16: "F16",
  half: "F16",
  fp16: "F16",
  F16: "F16",
  bfloat16: "BF16",
  bf16: "BF16",
  BF16: "BF16",
  float64: "F64",
  double: "F64",
  F64: "F64",
};

export const DTYPE_NAME_LIST: readonly string[] = Object.keys(DTYPE_NAMES);

/** The dtype a recipe name stands for (`torch.` prefix allowed), or undefined when unknown. */
export function dtypeFromName(name: string): FloatDType | undefined {
  const bare = name.startsWith("torch.") ? name.slice("torch.".length) : name;
  return Object.hasOwn(DTYPE_NAMES, bare) ? DTYPE_NAMES[bare] : undefined;
}
