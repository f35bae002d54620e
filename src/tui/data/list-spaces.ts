import { readdir } from "node:fs/promises";
import { join } from "node:path";

/** The search-space files (`*.yaml`, `*.yml`) in a folder, sorted by name; none when it is missing. */
export async function listSpaces(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((n) => /\.ya?ml$/i.test(n)).sort().map((n) => join(dir, n));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
