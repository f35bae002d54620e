export { bf16PairsToF32, bf16ToF32, f32ToBf16, f32ToBf16Pairs } from "./bfloat16.js";
export { f16ToF32, f32ToF16 } from "./float16.js";
export { decodeFloat, encodeFloat, dtypeByteSize, isFloatDType, isIntDType } from "./codec.js";
