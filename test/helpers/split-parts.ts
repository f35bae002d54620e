/** `bytes` handed out in parts of the given sizes, in order (a sink's writeParts input). */
export async function* splitParts(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const n of sizes) {
    yield bytes.subarray(at, at + n);
    at += n;
  }
}
