import { inKernelMemory, simdKernels } from "./simd-kernels.js";

/**
 * The merge executor's chunk codecs on the SIMD kernels: bit-exact twins of bf16ToF32, f16ToF32
 * (and a float32 copy), f32ToBf16 and f32ToF16 (src/tensor/codecs).
 */

export type KernelCodecDType = "BF16" | "F16" | "F32";

/**
 * Decodes `dst.length` stored values from `src`, starting at its byte `offset`, into `dst` (an
 * offset instead of a view of `src`: callers decode many chunks of one block). Returns whether all
 * are finite, or undefined when the kernels cannot take these arrays (the caller decodes).
 */
export function simdDecode(dtype: KernelCodecDType, src: Uint8Array, dst: Float32Array, offset = 0): boolean | undefined {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, src) || !inKernelMemory(k, dst)) return undefined;
  const decode = dtype === "BF16" ? k.exports.decodeBf16 : dtype === "F16" ? k.exports.decodeF16 : k.exports.copyF32;
  return decode(src.byteOffset + offset, dst.byteOffset, dst.length) === 1;
}

/**
 * Encodes `values` as bf16 or IEEE half into the start of `dst` (at least as long). Returns false when the kernels
 * cannot take these arrays or a value is NaN (whose bits the TypeScript encoders decide).
 */
export function simdEncode(dtype: "BF16" | "F16", values: Float32Array, dst: Uint16Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, values) || !inKernelMemory(k, dst)) return false;
  const encode = dtype === "BF16" ? k.exports.encodeBf16 : k.exports.encodeF16;
  return encode(values.byteOffset, dst.byteOffset, values.length) === 1;
}
