/**
 * Encodes typed metadata values, checking each against its declared type first: a value that does
 * not fit (300 as uint8, 1.5 as int32, a lone UTF-16 surrogate) is refused rather than silently
 * wrapped or replaced, so reading the file back gives exactly what was written.
 */
import type { ByteWriter } from "./byte-writer.js";
import { MAX_ARRAY_DEPTH, MAX_STRING_LENGTH } from "./gguf-limits.js";
import { GGUF_VALUE_TYPE_IDS, type GgufValue, type GgufValueTypeName } from "./gguf-value.js";

const utf8 = new TextEncoder();
const LONE_SURROGATE = /\p{Cs}/u;

const INT_RANGES: Partial<Record<GgufValueTypeName, readonly [number, number]>> = {
  uint8: [0, 0xff], int8: [-0x80, 0x7f], uint16: [0, 0xffff], int16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff], int32: [-0x80000000, 0x7fffffff],
};
const BIGINT_RANGES: Partial<Record<GgufValueTypeName, readonly [bigint, bigint]>> = {
  uint64: [0n, 2n ** 64n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Thrown with a problem description; the caller adds the file and key. */
export class GgufValueError extends Error {}

/** Writes a length-prefixed UTF-8 string after checking it is well-formed and not too long. */
export function encodeGgufString(w: ByteWriter, s: unknown, max = MAX_STRING_LENGTH): void {
  if (typeof s !== "string") throw new GgufValueError(`expected a string, got ${typeof s}`);
  if (LONE_SURROGATE.test(s)) throw new GgufValueError("string contains a lone UTF-16 surrogate, which UTF-8 cannot encode");
  const bytes = utf8.encode(s);
  if (bytes.length > max) throw new GgufValueError(`string is ${bytes.length} bytes, above the limit of ${max}`);
  w.u64(BigInt(bytes.length));
  w.bytes(bytes);
}

function encodeScalar(w: ByteWriter, type: Exclude<GgufValueTypeName, "array">, v: unknown): void {
  const ints = INT_RANGES[type];
  if (ints !== undefined) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < ints[0] || v > ints[1]) {
      throw new GgufValueError(`${String(v)} is not a ${type} (integers ${ints[0]}..${ints[1]})`);
    }
  }
  const bigs = BIGINT_RANGES[type];
  if (bigs !== undefined && (typeof v !== "bigint" || v < bigs[0] || v > bigs[1])) {
    throw new GgufValueError(`${String(v)} is not a ${type} (a bigint in ${bigs[0]}..${bigs[1]})`);
  }
  if ((type === "float32" || type === "float64") && typeof v !== "number") {
    throw new GgufValueError(`${String(v)} is not a number`);
  }
  if (type === "bool" && typeof v !== "boolean") throw new GgufValueError(`${String(v)} is not a boolean`);
  switch (type) {
    case "uint8": return w.u8(v as number);
    case "int8": return w.i8(v as number);
    case "uint16": return w.u16(v as number);
    case "int16": return w.i16(v as number);
    case "uint32": return w.u32(v as number);
    case "int32": return w.i32(v as number);
    case "float32": return w.f32(v as number);
    case "float64": return w.f64(v as number);
    case "uint64": return w.u64(v as bigint);
    case "int64": return w.i64(v as bigint);
    case "bool": return w.u8(v ? 1 : 0);
    case "string": return encodeGgufString(w, v);
    default:
      void (type satisfies never);
      throw new GgufValueError(`unknown value type ${String(type)}`);
  }
}

function typeId(name: unknown): number {
  const id = (GGUF_VALUE_TYPE_IDS as Record<string, number>)[name as string];
  if (id === undefined || !Object.hasOwn(GGUF_VALUE_TYPE_IDS, name as string)) {
    throw new GgufValueError(`unknown value type "${String(name)}"`);
  }
  return id;
}

function encodeArrayBody(w: ByteWriter, itemType: GgufValueTypeName, items: readonly unknown[], depth: number): void {
  if (depth > MAX_ARRAY_DEPTH) throw new GgufValueError(`arrays nest more than ${MAX_ARRAY_DEPTH} deep`);
  w.u32(typeId(itemType));
  w.u64(BigInt(items.length));
  for (const item of items) {
    if (itemType === "array") {
      const inner = item as GgufValue;
      if (inner?.type !== "array") throw new GgufValueError("an array of arrays holds a non-array item");
      encodeArrayBody(w, inner.itemType, inner.value, depth + 1);
    } else {
      encodeScalar(w, itemType, item);
    }
  }
}

/** Writes a value's type id and payload. Throws GgufValueError when the value does not fit its type. */
export function encodeGgufValue(w: ByteWriter, v: GgufValue): void {
  w.u32(typeId(v.type));
  if (v.type === "array") {
    if (!Array.isArray(v.value)) throw new GgufValueError("array value is not an array");
    encodeArrayBody(w, v.itemType, v.value, 1);
  } else {
    encodeScalar(w, v.type, v.value);
  }
}
