/**
 * ggml tensor types smelt reads and writes, with their ids and block geometry. Ids come from the
 * `ggml_type` enum in ggml.h (ids 4 and 5 were Q4_2/Q4_3, removed upstream). Block geometry
 * (elements per block, bytes per block) comes from ggml's `type_traits` table and the block structs
 * in ggml-common.h.
 */
import type { DType } from "../dtype.js";

/** The dtypes a GGUF tensor can have in smelt. */
export type GgufDType = "F32" | "F16" | "BF16" | "F64" | "I8" | "I16" | "I32" | "I64" | "Q8_0" | "Q4_0" | "Q4_1" | "Q5_0" | "Q5_1" | "Q4_K" | "Q5_K" | "Q6_K";

interface GgmlTypeTraits {
  readonly id: number;
  /** Elements per block (1 for element-wise types). */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly typeSize: number;
}

/** QK_K: elements in one K-quant super-block. */
export const QK_K = 256;

export const GGML_TYPES: { readonly [D in GgufDType]: GgmlTypeTraits } = {
  F32: { id: 0, blockSize: 1, typeSize: 4 },
  F16: { id: 1, blockSize: 1, typeSize: 2 },
  Q4_0: { id: 2, blockSize: 32, typeSize: 2 + 16 },
  Q4_1: { id: 3, blockSize: 32, typeSize: 2 + 2 + 16 },
  Q5_0: { id: 6, blockSize: 32, typeSize: 2 + 4 + 16 },
  Q5_1: { id: 7, blockSize: 32, typeSize: 2 + 2 + 4 + 16 },
  Q8_0: { id: 8, blockSize: 32, typeSize: 2 + 32 },
  Q4_K: { id: 12, blockSize: QK_K, typeSize: 2 + 2 + 12 + QK_K / 2 },
  Q5_K: { id: 13, blockSize: QK_K, typeSize: 2 + 2 + 12 + QK_K / 8 + QK_K / 2 },
  Q6_K: { id: 14, blockSize: QK_K, typeSize: QK_K / 2 + QK_K / 4 + QK_K / 16 + 2 },
  I8: { id: 24, blockSize: 1, typeSize: 1 },
  I16: { id: 25, blockSize: 1, typeSize: 2 },
  I32: { id: 26, blockSize: 1, typeSize: 4 },
  I64: { id: 27, blockSize: 1, typeSize: 8 },
  F64: { id: 28, blockSize: 1, typeSize: 8 },
  BF16: { id: 30, blockSize: 1, typeSize: 2 },
};

const DTYPE_BY_ID = new Map<number, GgufDType>(
  Object.entries(GGML_TYPES).map(([dtype, traits]) => [traits.id, dtype as GgufDType]),
);

/** ggml types that exist upstream but smelt cannot decode; named so errors can say which one it is. */
const UNSUPPORTED_NAMES: ReadonlyMap<number, string> = new Map([
  [9, "Q8_1"], [10, "Q2_K"], [11, "Q3_K"], [15, "Q8_K"], [16, "IQ2_XXS"], [17, "IQ2_XS"], [18, "IQ3_XXS"],
  [19, "IQ1_S"], [20, "IQ4_NL"], [21, "IQ3_S"], [22, "IQ2_S"], [23, "IQ4_XS"], [29, "IQ1_M"],
  [34, "TQ1_0"], [35, "TQ2_0"], [39, "MXFP4"],
]);

/** The smelt dtype for a ggml type id, or undefined when smelt does not support it. */
export function ggmlTypeToDType(id: number): GgufDType | undefined {
  return DTYPE_BY_ID.get(id);
}

/** A readable label for any ggml type id, for error messages: `Q2_K (type 10)` or `type 99`. */
export function describeGgmlType(id: number): string {
  const name = DTYPE_BY_ID.get(id) ?? UNSUPPORTED_NAMES.get(id);
  return name === undefined ? `type ${id}` : `${name} (type ${id})`;
}

/** True when smelt can store `dtype` in a GGUF file. */
export function isGgufDType(dtype: DType): dtype is GgufDType {
  return Object.hasOwn(GGML_TYPES, dtype);
}

/**
 * Bytes a tensor of `elements` values occupies, or undefined when the innermost dimension is not a
 * whole number of blocks (ggml requires rows, `ne[0]`, to be a multiple of the block size).
 */
export function ggmlByteLength(dtype: GgufDType, innermostDim: number, elements: number): number | undefined {
  const { blockSize, typeSize } = GGML_TYPES[dtype];
  if (innermostDim % blockSize !== 0) return undefined;
  return (elements / blockSize) * typeSize;
}
