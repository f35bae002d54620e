import type { TensorInfo } from "../tensor-source.js";
import type { GgufDType } from "./ggml-type.js";

/**
 * A GGUF tensor. `shape` is row-major (numpy/HF order), the reverse of ggml's `ne` order kept in
 * `ggmlDims` (ggml lists the fastest-varying dimension first).
 */
export interface GgufTensorInfo extends TensorInfo {
  readonly dtype: GgufDType;
  /** ggml type id as stored in the file. */
  readonly ggmlType: number;
  /** Dimensions as stored (ggml `ne` order, innermost first). */
  readonly ggmlDims: readonly number[];
  /** Offset of the data relative to the start of the data section, as stored. */
  readonly offset: number;
  /** Absolute file offset of the data. */
  readonly fileOffset: number;
}
