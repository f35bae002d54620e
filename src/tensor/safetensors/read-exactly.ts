import type { FileHandle } from "node:fs/promises";
import { TensorFormatError } from "../../errors.js";
import { MAX_READ_CHUNK_BYTES } from "./limits.js";

/**
 * Fills `into` from `handle` starting at `position`. `FileHandle.read` may return fewer bytes than
 * asked and refuses single reads over 2 GiB, so this loops in bounded chunks; reaching end of file
 * early means the file shrank or lied about its size, reported as a TensorFormatError.
 */
export async function readExactly(handle: FileHandle, into: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < into.byteLength) {
    const length = Math.min(into.byteLength - done, MAX_READ_CHUNK_BYTES);
    const { bytesRead } = await handle.read(into, done, length, position + done);
    if (bytesRead === 0) {
      throw new TensorFormatError(file, `unexpected end of file at byte ${position + done} (wanted ${into.byteLength - done} more bytes); the file is truncated`);
    }
    done += bytesRead;
  }
}
