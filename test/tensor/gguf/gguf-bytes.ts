/**
 * A deliberately low-level GGUF byte builder for tests, written from the spec independently of the
 * library's writer, so it can produce both valid files (v2, odd layouts) and malformed ones.
 */

export function u8(v: number): Uint8Array {
  return Uint8Array.of(v);
}
export function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}
export function u64(v: number | bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}
export function f32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return b;
}
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
/** A GGUF string: u64 byte length + bytes (a Uint8Array is taken as already-encoded bytes). */
export function str(s: string | Uint8Array): Uint8Array {
  const bytes = typeof s === "string" ? new TextEncoder().encode(s) : s;
  return concat(u64(bytes.length), bytes);
}

export const T = { u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10, i64: 11, f64: 12 };

/** A metadata entry: key, value type id, encoded value. */
export function kv(key: string | Uint8Array, type: number, value: Uint8Array): Uint8Array {
  return concat(str(key), u32(type), value);
}

/** A tensor info record with dims given in ggml order. */
export function tensorInfo(name: string, ggmlDims: readonly (number | bigint)[], ggmlType: number, offset: number | bigint): Uint8Array {
  return concat(str(name), u32(ggmlDims.length), ...ggmlDims.map(u64), u32(ggmlType), u64(offset));
}

export interface RawGguf {
  version?: number;
  kvs?: Uint8Array[];
  infos?: Uint8Array[];
  /** Overrides the counts written in the header. */
  tensorCount?: number | bigint;
  kvCount?: number | bigint;
  alignment?: number;
  data?: Uint8Array;
}

/** Assembles magic, version, counts, entries and infos, pads to the alignment, then appends data. */
export function buildGguf(spec: RawGguf): Uint8Array {
  const kvs = spec.kvs ?? [];
  const infos = spec.infos ?? [];
  const head = concat(
    new TextEncoder().encode("GGUF"),
    u32(spec.version ?? 3),
    u64(spec.tensorCount ?? infos.length),
    u64(spec.kvCount ?? kvs.length),
    ...kvs,
    ...infos,
  );
  const alignment = spec.alignment ?? 32;
  const padded = new Uint8Array(Math.ceil(head.length / alignment) * alignment);
  padded.set(head);
  return concat(padded, spec.data ?? new Uint8Array(0));
}
