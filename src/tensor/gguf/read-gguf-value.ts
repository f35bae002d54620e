/**
 * Reads one typed metadata value (scalar, string or array, arrays nested up to MAX_ARRAY_DEPTH)
 * from a FileCursor, enforcing the bounds in gguf-limits.ts before allocating anything.
 */
import { TensorFormatError } from "../../errors.js";
import type { FileCursor } from "./file-cursor.js";
import { MAX_ARRAY_DEPTH, MAX_ARRAY_LENGTH, MAX_STRING_LENGTH } from "./gguf-limits.js";
import { ggufValueTypeName, type GgufArrayValue, type GgufValue, type GgufValueTypeName } from "./gguf-value.js";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Encoded size of each fixed-size type, and the minimum size of the variable ones. */
const MIN_ITEM_BYTES: { readonly [T in GgufValueTypeName]: number } = {
  uint8: 1, int8: 1, bool: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4,
  uint64: 8, int64: 8, float64: 8,
  string: 8, // the length prefix alone
  array: 4 + 8, // item type + length
};

/** Strings up to this long that are pure ASCII skip TextDecoder, whose per-call cost dominates short strings. */
const ASCII_FAST_PATH_MAX = 64;

/** Decodes UTF-8 strictly: GGUF strings must be valid UTF-8 and a lossy decode would hide corruption. */
export function decodeGgufString(bytes: Uint8Array, file: string, what: string): string {
  if (bytes.length <= ASCII_FAST_PATH_MAX) {
    let s = "";
    let i = 0;
    for (; i < bytes.length && bytes[i] < 0x80; i++) s += String.fromCharCode(bytes[i]);
    if (i === bytes.length) return s;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new TensorFormatError(file, `${what} is not valid UTF-8`);
  }
}

/** Reads a u64 length and checks it against `max` and the bytes left in the file. */
async function readLength(c: FileCursor, max: number, itemBytes: number, what: string): Promise<number> {
  if (!c.has(8)) await c.fill(8, `${what} length`);
  const at = c.offset;
  const raw = c.u64();
  if (raw > BigInt(max)) {
    throw new TensorFormatError(c.path, `${what} has length ${raw} at offset ${at}, above the limit of ${max}`);
  }
  const n = Number(raw);
  if (n * itemBytes > c.remaining) {
    throw new TensorFormatError(
      c.path,
      `${what} has length ${n} at offset ${at}, which needs at least ${n * itemBytes} bytes but only ${c.remaining} remain in the file`,
    );
  }
  return n;
}

/** Reads a length-prefixed UTF-8 string of at most `max` bytes. */
export async function readGgufString(c: FileCursor, max: number, what: string): Promise<string> {
  const n = await readLength(c, max, 1, what);
  if (!c.has(n)) await c.fill(n, what);
  return decodeGgufString(c.bytes(n), c.path, what);
}

async function readTypeId(c: FileCursor, what: string): Promise<GgufValueTypeName> {
  if (!c.has(4)) await c.fill(4, `${what} type`);
  const id = c.u32();
  const name = ggufValueTypeName(id);
  if (name === undefined) {
    throw new TensorFormatError(c.path, `${what} has unknown value type ${id} (the GGUF spec defines 0-12)`);
  }
  return name;
}

function readBool(c: FileCursor, what: string): boolean {
  const b = c.u8();
  // Spec: "0 is false and 1 is true. Anything else is invalid, and should be rejected".
  if (b > 1) throw new TensorFormatError(c.path, `${what} is a bool stored as ${b}; only 0 and 1 are valid`);
  return b === 1;
}

/** Reads one fixed-size scalar; the caller has buffered its bytes. */
function readFixed(c: FileCursor, type: Exclude<GgufValueTypeName, "string" | "array">, what: string): number | bigint | boolean {
  switch (type) {
    case "uint8": return c.u8();
    case "int8": return c.i8();
    case "uint16": return c.u16();
    case "int16": return c.i16();
    case "uint32": return c.u32();
    case "int32": return c.i32();
    case "float32": return c.f32();
    case "float64": return c.f64();
    case "uint64": return c.u64();
    case "int64": return c.i64();
    case "bool": return readBool(c, what);
    default:
      void (type satisfies never);
      throw new TypeError(`unreachable value type ${String(type)}`);
  }
}

async function readArray(c: FileCursor, what: string, depth: number): Promise<GgufArrayValue> {
  if (depth > MAX_ARRAY_DEPTH) {
    throw new TensorFormatError(c.path, `${what} nests arrays more than ${MAX_ARRAY_DEPTH} deep`);
  }
  const itemType = await readTypeId(c, `${what} array item`);
  const size = MIN_ITEM_BYTES[itemType];
  const n = await readLength(c, MAX_ARRAY_LENGTH, size, `${what} array`);
  if (itemType === "array") {
    const items: GgufArrayValue[] = [];
    for (let i = 0; i < n; i++) items.push(await readArray(c, `${what}[${i}]`, depth + 1));
    return { type: "array", itemType, value: items };
  }
  if (itemType === "string") {
    const items: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      // Inlined readGgufString: one await per buffer refill instead of one per item.
      if (!c.has(8)) await c.fill(8, `${what}[${i}] length`);
      const at = c.offset;
      const raw = c.u64();
      if (raw > BigInt(Math.min(MAX_STRING_LENGTH, c.remaining))) {
        throw new TensorFormatError(c.path, `${what}[${i}] has string length ${raw} at offset ${at}, past the end of the file or above the limit of ${MAX_STRING_LENGTH}`);
      }
      const len = Number(raw);
      if (!c.has(len)) await c.fill(len, `${what}[${i}]`);
      items[i] = decodeGgufString(c.bytes(len), c.path, `${what}[${i}]`);
    }
    return { type: "array", itemType, value: items };
  }
  if (!c.has(n * size)) await c.fill(n * size, `${what} array items`);
  const items = new Array(n);
  for (let i = 0; i < n; i++) items[i] = readFixed(c, itemType, what);
  return { type: "array", itemType, value: items } as GgufArrayValue;
}

/** Reads a value type id followed by the value. `what` names the key in error messages. */
export async function readGgufValue(c: FileCursor, what: string): Promise<GgufValue> {
  const type = await readTypeId(c, what);
  if (type === "array") return readArray(c, what, 1);
  if (type === "string") return { type, value: await readGgufString(c, MAX_STRING_LENGTH, what) };
  const size = MIN_ITEM_BYTES[type];
  if (!c.has(size)) await c.fill(size, what);
  return { type, value: readFixed(c, type, what) } as GgufValue;
}
