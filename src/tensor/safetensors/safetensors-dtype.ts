/**
 * The dtype strings safetensors headers use and the subset smelt can handle. safetensors names
 * match smelt's DType names one for one for the element-wise types; the 8-bit and sub-byte float
 * formats (F8_E4M3, F8_E5M2, ...) have no DType yet and are rejected with a specific message.
 */
import type { FloatDType, IntDType, QuantDType } from "../dtype.js";

/** dtypes that a safetensors file can carry and smelt can read or write. */
export type SafetensorsDType = FloatDType | IntDType;

const SUPPORTED: ReadonlySet<string> = new Set<SafetensorsDType>([
  "F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL",
]);

/** Valid in the safetensors spec but not supported by smelt (yet). */
const KNOWN_UNSUPPORTED: ReadonlySet<string> = new Set([
  "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64",
]);

/** True when `dtype` is a safetensors dtype smelt handles. */
export function isSafetensorsDType(dtype: unknown): dtype is SafetensorsDType {
  return typeof dtype === "string" && SUPPORTED.has(dtype);
}

/** ggml block-quantised types (smelt's QuantDType): GGUF only. */
const BLOCK_QUANTISED: ReadonlySet<string> = new Set<QuantDType>(["Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"]);

/** A sentence explaining why `dtype` cannot be used, for error messages. */
export function describeUnsupportedDType(dtype: unknown): string {
  if (typeof dtype === "string" && BLOCK_QUANTISED.has(dtype)) {
    return `dtype "${dtype}" is a GGUF block-quantised type, which safetensors cannot store; dequantise to F32/F16/BF16 or write GGUF`;
  }
  if (typeof dtype === "string" && KNOWN_UNSUPPORTED.has(dtype)) {
    return `dtype "${dtype}" is valid safetensors but not supported by smelt; convert the model to BF16, F16 or F32 first`;
  }
  const shown = typeof dtype === "string" ? `"${dtype.slice(0, 40)}"` : (JSON.stringify(dtype) ?? String(dtype)).slice(0, 60);
  return `unknown dtype ${shown}; expected one of ${[...SUPPORTED].join(", ")}`;
}
