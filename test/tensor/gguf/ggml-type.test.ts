import { GGMLQuantizationType } from "@huggingface/gguf";
import { describe, expect, it } from "vitest";
import { describeGgmlType, GGML_TYPES, ggmlTypeToDType, type GgufDType } from "../../../src/tensor/gguf/index.js";

describe("ggml type table", () => {
  it("uses the same ids as @huggingface/gguf's copy of ggml's enum", () => {
    for (const [dtype, traits] of Object.entries(GGML_TYPES)) {
      expect(GGMLQuantizationType[dtype as keyof typeof GGMLQuantizationType], dtype).toBe(traits.id);
      expect(ggmlTypeToDType(traits.id)).toBe(dtype as GgufDType);
    }
  });

  it("names unsupported types by their ggml name in errors", () => {
    for (const name of ["Q2_K", "Q3_K", "IQ4_XS", "IQ1_M", "TQ2_0"] as const) {
      const id = GGMLQuantizationType[name];
      expect(ggmlTypeToDType(id)).toBeUndefined();
      expect(describeGgmlType(id)).toBe(`${name} (type ${id})`);
    }
    expect(describeGgmlType(250)).toBe("type 250");
  });

  it("has the block sizes of ggml's block structs", () => {
    const bytesPerBlock = Object.fromEntries(Object.entries(GGML_TYPES).map(([d, t]) => [d, [t.blockSize, t.typeSize]]));
    expect(bytesPerBlock).toMatchObject({
      Q4_0: [32, 18], Q4_1: [32, 20], Q5_0: [32, 22], Q5_1: [32, 24], Q8_0: [32, 34],
      Q4_K: [256, 144], Q5_K: [256, 176], Q6_K: [256, 210], BF16: [1, 2], F64: [1, 8],
    });
  });
});
