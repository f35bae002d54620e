/**
 * Builds the bytes that precede a safetensors data block: the little-endian u64 header length and
 * the JSON header, padded with spaces so the data block starts on an 8-byte boundary (as the
 * reference implementation does, so that readers can map F64/I64 data with aligned views).
 */

export interface HeaderTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

const encoder = new TextEncoder();
const SPACE = 0x20;
const ALIGNMENT = 8;

/** Length prefix + padded JSON header. `metadata` is written as `__metadata__` when non-empty. */
export function encodeSafetensorsHeader(tensors: readonly HeaderTensor[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  for (const t of tensors) {
    // defineProperty keeps a tensor named "__proto__" as plain data.
    Object.defineProperty(header, t.name, {
      value: { dtype: t.dtype, shape: [...t.shape], data_offsets: [t.begin, t.end] },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const json = encoder.encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / ALIGNMENT) * ALIGNMENT;
  const out = new Uint8Array(8 + padded).fill(SPACE, 8 + json.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}
