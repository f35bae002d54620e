/**
 * Element types smelt knows. Names follow safetensors (`F32`, `BF16`, ...); GGUF's block-quantised
 * types use ggml's names (`Q8_0`, `Q4_K`, ...). Float types are decoded to float32 for merging;
 * integer types are passed through untouched.
 */
export type FloatDType = "F64" | "F32" | "F16" | "BF16";
export type IntDType = "I64" | "I32" | "I16" | "I8" | "U64" | "U32" | "U16" | "U8" | "BOOL";
export type QuantDType = "Q8_0" | "Q4_0" | "Q4_1" | "Q5_0" | "Q5_1" | "Q4_K" | "Q5_K" | "Q6_K";
export type DType = FloatDType | IntDType | QuantDType;
