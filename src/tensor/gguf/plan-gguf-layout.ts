/**
 * Plans where each tensor goes in a GGUF file being written: ggml dims (reversed shape), byte size
 * and data offset, each offset padded to the alignment. Everything is known before any data is
 * written because GGUF puts all tensor infos ahead of the data.
 */
import { OutputError } from "../../errors.js";
import type { DType } from "../dtype.js";
import { GGML_TYPES, ggmlByteLength, isGgufDType, type GgufDType } from "./ggml-type.js";
import { MAX_DIMS } from "./gguf-limits.js";

/**
 * One tensor a GGUF writer will receive. `shape` is row-major (numpy/HF order). `dtype` must be one
 * GGUF can hold (see GgufDType); others are refused when the sink is created.
 */
export interface GgufTensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface PlannedTensor extends GgufTensorSpec {
  readonly dtype: GgufDType;
  readonly ggmlType: number;
  readonly ggmlDims: readonly number[];
  readonly elements: number;
  readonly byteLength: number;
  /** Offset relative to the data section. */
  readonly offset: number;
}

/**
 * Names longer than this cannot be loaded by llama.cpp: ggml keeps tensor names in a 64-byte field
 * that includes the terminating NUL (GGML_MAX_NAME).
 */
export const MAX_WRITTEN_TENSOR_NAME_BYTES = 63;

const utf8 = new TextEncoder();

export function planGgufLayout(path: string, tensors: readonly GgufTensorSpec[], alignment: number): PlannedTensor[] {
  const names = new Set<string>();
  let offset = 0;
  return tensors.map((t) => {
    const where = `tensor "${t.name}"`;
    if (names.has(t.name)) throw new OutputError(path, `${where} is declared twice`);
    names.add(t.name);
    if (utf8.encode(t.name).length > MAX_WRITTEN_TENSOR_NAME_BYTES) {
      throw new OutputError(path, `${where}: name is longer than ${MAX_WRITTEN_TENSOR_NAME_BYTES} bytes, which llama.cpp cannot load`);
    }
    const dtype = t.dtype;
    if (!isGgufDType(dtype)) {
      throw new OutputError(path, `${where}: dtype ${String(t.dtype)} cannot be stored in GGUF`);
    }
    if (t.shape.length < 1 || t.shape.length > MAX_DIMS) {
      throw new OutputError(path, `${where}: shape [${t.shape.join(", ")}] must have 1 to ${MAX_DIMS} dimensions (reshape scalars to [1])`);
    }
    let elements = 1;
    for (const dim of t.shape) {
      if (!Number.isSafeInteger(dim) || dim < 0) throw new OutputError(path, `${where}: shape [${t.shape.join(", ")}] has an invalid dimension`);
      elements *= dim;
    }
    if (!Number.isSafeInteger(elements)) throw new OutputError(path, `${where}: shape [${t.shape.join(", ")}] is too large`);
    const ggmlDims = [...t.shape].reverse();
    const byteLength = ggmlByteLength(dtype, ggmlDims[0], elements);
    if (byteLength === undefined) {
      throw new OutputError(
        path,
        `${where}: the last dimension (${ggmlDims[0]}) must be a multiple of ${GGML_TYPES[dtype].blockSize} to store it as ${dtype}`,
      );
    }
    const planned: PlannedTensor = { ...t, dtype, ggmlType: GGML_TYPES[dtype].id, ggmlDims, elements, byteLength, offset };
    offset += Math.ceil(byteLength / alignment) * alignment;
    return planned;
  });
}
