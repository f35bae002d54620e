/** Dispatches a block-quantised dtype to its dequantiser. */
import type { QuantDType } from "../../dtype.js";
import { dequantizeQ4_0 } from "./q4-0.js";
import { dequantizeQ4_1 } from "./q4-1.js";
import { dequantizeQ4_K } from "./q4-k.js";
import { dequantizeQ5_0 } from "./q5-0.js";
import { dequantizeQ5_1 } from "./q5-1.js";
import { dequantizeQ5_K } from "./q5-k.js";
import { dequantizeQ6_K } from "./q6-k.js";
import { dequantizeQ8_0 } from "./q8-0.js";

/** Decodes `src` (whole blocks of `dtype`) to float32, exactly as ggml's CPU dequantisers do. */
export function dequantize(dtype: QuantDType, src: Uint8Array, dst?: Float32Array): Float32Array {
  switch (dtype) {
    case "Q8_0": return dequantizeQ8_0(src, dst);
    case "Q4_0": return dequantizeQ4_0(src, dst);
    case "Q4_1": return dequantizeQ4_1(src, dst);
    case "Q5_0": return dequantizeQ5_0(src, dst);
    case "Q5_1": return dequantizeQ5_1(src, dst);
    case "Q4_K": return dequantizeQ4_K(src, dst);
    case "Q5_K": return dequantizeQ5_K(src, dst);
    case "Q6_K": return dequantizeQ6_K(src, dst);
    default:
      void (dtype satisfies never);
      throw new TypeError(`dequantize: unknown quantised dtype ${String(dtype)}`);
  }
}
