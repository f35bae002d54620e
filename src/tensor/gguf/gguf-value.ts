/**
 * Typed GGUF metadata values. GGUF stores a type tag with every value (spec: "gguf_metadata_value_type"),
 * and a writer must reproduce it exactly (llama.cpp rejects `llama.block_count` stored as int32 instead
 * of uint32), so values keep their tag instead of collapsing to JS numbers. 64-bit integers are bigint
 * because they can exceed 2^53.
 */

/** Value type ids, in the order of the GGUF spec's `gguf_metadata_value_type` enum. */
export const GGUF_VALUE_TYPE_IDS = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type GgufValueTypeName = keyof typeof GGUF_VALUE_TYPE_IDS;
export type GgufNumberTypeName = "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "float64";
export type GgufBigIntTypeName = "uint64" | "int64";
export type GgufScalarTypeName = GgufNumberTypeName | GgufBigIntTypeName | "bool" | "string";

/** Type name for a value type id, or undefined for ids the spec does not define. */
export function ggufValueTypeName(id: number): GgufValueTypeName | undefined {
  for (const [name, value] of Object.entries(GGUF_VALUE_TYPE_IDS)) {
    if (value === id) return name as GgufValueTypeName;
  }
  return undefined;
}

/** JS representation of one scalar of the given GGUF type. */
export type GgufScalarJs<T extends GgufScalarTypeName> = T extends GgufNumberTypeName
  ? number
  : T extends GgufBigIntTypeName
    ? bigint
    : T extends "bool"
      ? boolean
      : string;

export type GgufScalarValue = {
  [T in GgufScalarTypeName]: { readonly type: T; readonly value: GgufScalarJs<T> };
}[GgufScalarTypeName];

/**
 * An array value. GGUF arrays are homogeneous: one item type for all items. Arrays of arrays are
 * allowed, and each inner array carries its own item type.
 */
export type GgufArrayValue =
  | {
      [T in GgufScalarTypeName]: { readonly type: "array"; readonly itemType: T; readonly value: readonly GgufScalarJs<T>[] };
    }[GgufScalarTypeName]
  | { readonly type: "array"; readonly itemType: "array"; readonly value: readonly GgufArrayValue[] };

export type GgufValue = GgufScalarValue | GgufArrayValue;

/** One metadata key/value pair; a file's metadata is an ordered list of these. */
export type GgufMetadataEntry = { readonly key: string } & GgufValue;

/**
 * Builders for typed values: `ggufValue.u32(5)`, `ggufValue.array("string", ["a", "b"])`,
 * `ggufValue.arrays([ggufValue.array("int32", [1])])`. Range checks happen when the value is written.
 */
export const ggufValue = {
  u8: (value: number) => ({ type: "uint8", value }) as const,
  i8: (value: number) => ({ type: "int8", value }) as const,
  u16: (value: number) => ({ type: "uint16", value }) as const,
  i16: (value: number) => ({ type: "int16", value }) as const,
  u32: (value: number) => ({ type: "uint32", value }) as const,
  i32: (value: number) => ({ type: "int32", value }) as const,
  u64: (value: bigint | number) => ({ type: "uint64", value: BigInt(value) }) as const,
  i64: (value: bigint | number) => ({ type: "int64", value: BigInt(value) }) as const,
  f32: (value: number) => ({ type: "float32", value }) as const,
  f64: (value: number) => ({ type: "float64", value }) as const,
  bool: (value: boolean) => ({ type: "bool", value }) as const,
  string: (value: string) => ({ type: "string", value }) as const,
  array: <T extends GgufScalarTypeName>(itemType: T, value: readonly GgufScalarJs<T>[]): GgufArrayValue =>
    ({ type: "array", itemType, value }) as GgufArrayValue,
  arrays: (value: readonly GgufArrayValue[]): GgufArrayValue => ({ type: "array", itemType: "array", value }),
} satisfies Record<string, (...args: never[]) => GgufValue>;

/** Pairs a key with a typed value: `ggufEntry("general.name", ggufValue.string("merged"))`. */
export function ggufEntry(key: string, value: GgufValue): GgufMetadataEntry {
  return { key, ...value };
}
