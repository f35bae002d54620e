export { simdKernels, useSimdKernels, KERNEL_MEMORY_BYTES, type SimdKernels } from "./simd-kernels.js";
export { resetKernelScratch, scratchBytes, scratchDoubles, scratchFloats, scratchWords } from "./kernel-scratch.js";
export { simdDecode, simdEncode, type KernelCodecDType } from "./simd-codecs.js";
export { simdAnyNonFinite } from "./simd-non-finite.js";
export { simdFusedSumBf16 } from "./simd-sums.js";
