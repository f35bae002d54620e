import { describe, expect, it } from "vitest";
import { ggufEntry, ggufValue, ggufValueTypeName, GGUF_VALUE_TYPE_IDS } from "../../../src/tensor/gguf/index.js";

describe("ggufValue", () => {
  it("builds values tagged with the GGUF type names of the spec", () => {
    expect(ggufValue.u32(5)).toEqual({ type: "uint32", value: 5 });
    expect(ggufValue.i64(-3)).toEqual({ type: "int64", value: -3n });
    expect(ggufValue.array("string", ["a"])).toEqual({ type: "array", itemType: "string", value: ["a"] });
    expect(ggufValue.arrays([ggufValue.array("bool", [true])])).toEqual({
      type: "array",
      itemType: "array",
      value: [{ type: "array", itemType: "bool", value: [true] }],
    });
    expect(ggufEntry("k", ggufValue.f32(0.5))).toEqual({ key: "k", type: "float32", value: 0.5 });
  });

  it("types array items by their declared item type", () => {
    // @ts-expect-error a uint8 array holds numbers, not strings
    ggufValue.array("uint8", ["x"]);
    // @ts-expect-error 64-bit arrays hold bigints
    ggufValue.array("uint64", [1]);
    expect(ggufValue.array("uint64", [1n]).value).toEqual([1n]);
  });

  it("maps type ids both ways and rejects ids outside the spec", () => {
    for (const [name, id] of Object.entries(GGUF_VALUE_TYPE_IDS)) expect(ggufValueTypeName(id)).toBe(name);
    expect(ggufValueTypeName(13)).toBeUndefined();
  });
});
