import { inKernelMemory, simdKernels } from "./simd-kernels.js";

/**
 * The exponent-bit test for NaN/±Inf (merge/non-finite.ts anyNonFinite) on the SIMD kernels, for
 * stored bytes in the kernels' memory (input blocks the executor's workers read there). Returns
 * undefined when the kernels cannot take them (the caller runs its loop).
 */
export function simdAnyNonFinite(dtype: "BF16" | "F16" | "F32", bytes: Uint8Array): boolean | undefined {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, bytes)) return undefined;
  if (dtype === "F32") return k.exports.anyNonFinite32(bytes.byteOffset, bytes.byteLength >>> 2) === 1;
  return k.exports.anyNonFinite16(bytes.byteOffset, bytes.byteLength >>> 1, dtype === "BF16" ? 0x7f80 : 0x7c00) === 1;
}
