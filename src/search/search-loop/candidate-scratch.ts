import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Run } from "../../store/index.js";

/**
 * Makes this session's folder for candidate GGUFs under `root` (tmpfs when available), after
 * removing the one a killed session of the same run left behind: we hold the run's lock, so it is
 * stale. The name holds the run id and a hash of the run folder's path, because runs of one id in
 * two runs folders are different runs and must not remove each other's candidates.
 */
export async function openCandidateScratch(run: Run, root: string): Promise<string> {
  const prefix = `smelt-${run.id}-${createHash("sha256").update(resolve(run.dir)).digest("hex").slice(0, 8)}-`;
  for (const stale of await readdir(root).catch(() => [] as string[])) {
    if (stale.startsWith(prefix)) await rm(join(root, stale), { recursive: true, force: true });
  }
  return mkdtemp(join(root, prefix));
}
