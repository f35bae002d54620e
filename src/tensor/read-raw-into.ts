import type { RawTensor, TensorSource } from "./tensor-source.js";

/**
 * Reads a tensor's stored bytes into the start of `into` (at least its `byteLength` long), with the
 * source's own `readRawInto` when it has one, else through `readRaw` and a copy.
 */
export async function readRawInto(source: TensorSource, name: string, into: Uint8Array): Promise<RawTensor> {
  if (source.readRawInto) return source.readRawInto(name, into);
  const raw = await source.readRaw(name);
  if (into.byteLength < raw.bytes.byteLength) throw new RangeError(`${source.location}: tensor "${name}" needs ${raw.bytes.byteLength} bytes, the buffer holds ${into.byteLength}`);
  into.set(raw.bytes);
  return { info: raw.info, bytes: into.subarray(0, raw.bytes.byteLength) };
}
