import { join } from "node:path";
import { exportRecipe, openRun, writeFileAtomic } from "../../index.js";

/**
 * Writes one candidate of a run as a mergekit recipe into the run folder
 * (`runs/<id>/export-<candidate>.yaml`, replaced if it exists) with the store's export, and
 * returns the file's path. The journal is read without the lock, so this works on a live run.
 */
export async function exportCandidate(dir: string, candidate: string): Promise<string> {
  const run = await openRun(dir);
  const exported = exportRecipe(run.entries, { candidate });
  const path = join(run.files.dir, `export-${exported.candidate}.yaml`);
  await writeFileAtomic(path, exported.yaml, { overwrite: true });
  return path;
}
