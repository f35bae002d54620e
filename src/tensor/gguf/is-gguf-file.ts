import { open } from "node:fs/promises";

/** Whether the file at `path` starts with GGUF's magic bytes (a model path may be either format). */
export async function isGgufFile(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    return bytesRead === 4 && magic.toString("latin1") === "GGUF";
  } finally {
    await handle.close();
  }
}
