/**
 * Reads one tensor info record (name, n_dims, dims, ggml type, offset) and checks everything that
 * can be checked locally: dimension count, dimension sizes, known type, whole blocks per row, and a
 * byte size that fits in the file.
 */
import { TensorFormatError } from "../../errors.js";
import type { FileCursor } from "./file-cursor.js";
import { describeGgmlType, GGML_TYPES, ggmlByteLength, ggmlTypeToDType, type GgufDType } from "./ggml-type.js";
import { MAX_DIMS, MAX_TENSOR_NAME_LENGTH } from "./gguf-limits.js";
import { readGgufString } from "./read-gguf-value.js";

export interface RawTensorInfo {
  readonly name: string;
  readonly dtype: GgufDType;
  readonly ggmlType: number;
  readonly ggmlDims: readonly number[];
  readonly offset: number;
  readonly byteLength: number;
}

/**
 * The densest supported type packs this many elements per stored byte (Q4_0 and Q4_K: 256 / 144),
 * so no dimension of a tensor stored in a file of S bytes can exceed S times this.
 */
const MAX_ELEMENTS_PER_BYTE = Math.ceil(Math.max(...Object.values(GGML_TYPES).map((t) => t.blockSize / t.typeSize)));

export async function readTensorInfo(c: FileCursor, index: number): Promise<RawTensorInfo> {
  const name = await readGgufString(c, MAX_TENSOR_NAME_LENGTH, `tensor #${index} name`);
  const what = `tensor "${name}"`;
  if (!c.has(4)) await c.fill(4, `${what} n_dims`);
  const nDims = c.u32();
  if (nDims < 1 || nDims > MAX_DIMS) {
    throw new TensorFormatError(c.path, `${what} has ${nDims} dimensions; ggml tensors have 1 to ${MAX_DIMS}`);
  }
  const fixed = nDims * 8 + 4 + 8;
  if (!c.has(fixed)) await c.fill(fixed, `${what} dims, type and offset`);
  const dims: number[] = [];
  let elements = 1;
  for (let d = 0; d < nDims; d++) {
    const dim = c.u64();
    // Bounding each factor by what the file could hold keeps it exact as a double; the running
    // product is checked for overflow and the byte-size check below bounds it by the file size.
    if (dim > BigInt(c.fileSize * MAX_ELEMENTS_PER_BYTE)) {
      throw new TensorFormatError(c.path, `${what} dimension ${d} is ${dim}, more elements than a file of ${c.fileSize} bytes can hold`);
    }
    dims.push(Number(dim));
    elements *= Number(dim);
    if (elements > Number.MAX_SAFE_INTEGER) {
      throw new TensorFormatError(c.path, `${what} has dims [${dims.join(", ")}...] whose product overflows`);
    }
  }
  const ggmlType = c.u32();
  const offsetRaw = c.u64();
  const dtype = ggmlTypeToDType(ggmlType);
  if (dtype === undefined) {
    throw new TensorFormatError(
      c.path,
      `${what} has ggml ${describeGgmlType(ggmlType)}, which smelt cannot read; re-quantize it to F16, BF16, Q8_0, Q4_K, Q5_K or Q6_K`,
    );
  }
  const byteLength = ggmlByteLength(dtype, dims[0], elements);
  if (byteLength === undefined) {
    throw new TensorFormatError(c.path, `${what} has a row of ${dims[0]} elements, not a whole number of ${dtype} blocks`);
  }
  if (byteLength > c.fileSize) {
    throw new TensorFormatError(
      c.path,
      `${what} with dims [${dims.join(", ")}] needs ${byteLength} bytes of ${dtype} data but the file has only ${c.fileSize} bytes`,
    );
  }
  if (offsetRaw > BigInt(c.fileSize)) {
    throw new TensorFormatError(c.path, `${what} data offset ${offsetRaw} is past the end of the file (${c.fileSize} bytes)`);
  }
  return { name, dtype, ggmlType, ggmlDims: dims, offset: Number(offsetRaw), byteLength };
}
