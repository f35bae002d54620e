import { ShapeMismatchError } from "../errors.js";

/**
 * Hands `parts` to `append` in order, refusing (ShapeMismatchError) parts that go past or fall
 * short of the tensor's `byteLength`: what the sinks' writeParts do with the bytes they are given.
 * Nothing past the tensor's end is appended.
 */
export async function appendParts(name: string, byteLength: number, parts: AsyncIterable<Uint8Array>, append: (bytes: Uint8Array) => Promise<void>): Promise<void> {
  let total = 0;
  for await (const part of parts) {
    total += part.byteLength;
    if (total > byteLength) throw new ShapeMismatchError(name, `raw parts exceed the tensor's ${byteLength} bytes`);
    await append(part);
  }
  if (total < byteLength) throw new ShapeMismatchError(name, `raw parts add up to ${total} bytes, expected ${byteLength}`);
}
