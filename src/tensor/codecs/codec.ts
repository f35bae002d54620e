/**
 * Dtype-level encode/decode between stored little-endian bytes and float32, plus element sizes.
 * Typed arrays use the host's byte order; every host Node supports in practice (x64, arm64) is
 * little-endian like safetensors and GGUF, and `assertLittleEndian` makes the assumption loud.
 */
import { TensorFormatError } from "../../errors.js";
import type { DType, FloatDType, IntDType } from "../dtype.js";
import { bf16ToF32, f32ToBf16 } from "./bfloat16.js";
import { f16ToF32, f32ToF16 } from "./float16.js";
import { HOST_IS_LITTLE_ENDIAN } from "./host-endianness.js";


function assertLittleEndian(): void {
  if (!HOST_IS_LITTLE_ENDIAN) {
    throw new Error("smelt's tensor codecs assume a little-endian host; this host is big-endian");
  }
}

const FLOAT_DTYPES: ReadonlySet<string> = new Set<FloatDType>(["F64", "F32", "F16", "BF16"]);
const INT_DTYPES: ReadonlySet<string> = new Set<IntDType>(["I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL"]);

/** True for the dtypes smelt decodes to float32 for merging. */
export function isFloatDType(dtype: DType): dtype is FloatDType {
  return FLOAT_DTYPES.has(dtype);
}

/** True for integer dtypes (and BOOL), which are passed through untouched. */
export function isIntDType(dtype: DType): dtype is IntDType {
  return INT_DTYPES.has(dtype);
}

/** Bytes per element for every element-wise (non block-quantised) dtype. */
export function dtypeByteSize(dtype: FloatDType | IntDType): number {
  switch (dtype) {
    case "F64":
    case "I64":
    case "U64":
      return 8;
    case "F32":
    case "I32":
    case "U32":
      return 4;
    case "F16":
    case "BF16":
    case "I16":
    case "U16":
      return 2;
    case "I8":
    case "U8":
    case "BOOL":
      return 1;
    default:
      void (dtype satisfies never);
      throw new TypeError(`dtypeByteSize: unknown dtype ${String(dtype)}`);
  }
}

/** A copy of `bytes` starting at offset 0 of a fresh buffer, so typed-array views are aligned. */
function aligned(bytes: Uint8Array, alignment: number): Uint8Array {
  return bytes.byteOffset % alignment === 0 ? bytes : bytes.slice();
}

/**
 * Decodes little-endian stored bytes of a float dtype into a new Float32Array (never a view of
 * `bytes`, so the caller may reuse its buffer). Unaligned inputs are copied before viewing.
 * F64 is rounded to the nearest float32 (ties to even), as a cast does.
 * @param file - Named in the error when the byte count is not a whole number of elements.
 */
export function decodeFloat(dtype: FloatDType, bytes: Uint8Array, file = "<memory>"): Float32Array {
  assertLittleEndian();
  const size = dtypeByteSize(dtype);
  if (bytes.byteLength % size !== 0) {
    throw new TensorFormatError(
      file,
      `${bytes.byteLength} bytes is not a whole number of ${dtype} elements (${size} bytes each)`,
    );
  }
  const n = bytes.byteLength / size;
  switch (dtype) {
    case "F32": {
      const out = new Float32Array(n);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    }
    case "F16":
    case "BF16": {
      const src = aligned(bytes, 2);
      const halves = new Uint16Array(src.buffer, src.byteOffset, n);
      return dtype === "F16" ? f16ToF32(halves) : bf16ToF32(halves);
    }
    case "F64": {
      const src = aligned(bytes, 8);
      return Float32Array.from(new Float64Array(src.buffer, src.byteOffset, n));
    }
    default:
      void (dtype satisfies never);
      throw new TypeError(`decodeFloat: unknown dtype ${String(dtype)}`);
  }
}

/** Encodes float32 values to the stored little-endian bytes of a float dtype (a new buffer). */
export function encodeFloat(dtype: FloatDType, data: Float32Array): Uint8Array {
  assertLittleEndian();
  switch (dtype) {
    case "F32":
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    case "F16": {
      const out = f32ToF16(data);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    case "BF16": {
      const out = f32ToBf16(data);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    case "F64": {
      const out = Float64Array.from(data);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    default:
      void (dtype satisfies never);
      throw new TypeError(`encodeFloat: unknown dtype ${String(dtype)}`);
  }
}
