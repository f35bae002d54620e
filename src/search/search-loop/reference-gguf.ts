/**
 * The GGUF a reference row (the base or a source model) is scored from. A GGUF model is used as it
 * is; an HF folder (or a Hub reference, pinned to its commit and read from the HF cache, or a
 * `base+adapter`, merged) is converted once per run into `runs/<id>/references/`, at the type candidates are written as, and
 * the file is reused by the test split and by a resumed session (conversion writes under a
 * temporary name, so a file there is complete).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { convertHfToGguf } from "../../convert/index.js";
import { resolveModel, type HubOptions } from "../../hub/index.js";
import type { OutType } from "../../merge/output-dtype.js";
import { merge } from "../../merge/index.js";
import type { Recipe } from "../../recipe/index.js";
import { isHfFolder } from "./model-kind.js";

export interface ReferenceModel {
  readonly model: string;
  readonly label: string;
  readonly role: "base" | "source";
}

/** Folder of a run that holds converted reference models. */
export function referencesDir(runDir: string): string {
  return join(runDir, "references");
}

export async function referenceGguf(ref: ReferenceModel, runDir: string, outType: OutType, hub: Omit<HubOptions, "onEvent"> = {}): Promise<string> {
  const local = existsSync(ref.model);
  if (local && !isHfFolder(ref.model)) return ref.model;
  const dir = referencesDir(runDir);
  const file = join(dir, `${ref.role}-${ref.label.replace(/[^A-Za-z0-9_.-]/g, "_")}-${outType}.gguf`);
  if (existsSync(file)) return file;
  if (!local && ref.model.includes("+")) {
    // base+adapter: the adapter applied to its base by the merge engine (passthrough of the one
    // model), written as GGUF the way candidates are.
    await mkdir(dir, { recursive: true });
    const recipe: Recipe = { merge_method: "passthrough", models: [{ model: ref.model }] };
    await merge(recipe, { output: file, format: "gguf", outType, threads: 0, directIo: false, hub: { ...hub, offline: true } });
    return file;
  }
  // A Hub reference is pinned (`org/name@<commit>`) by now: its snapshot is in the cache.
  const folder = local ? ref.model : (await resolveModel(ref.model, { ...hub, offline: true })).path;
  await mkdir(dir, { recursive: true });
  await convertHfToGguf(folder, { output: file, outType, name: ref.label });
  return file;
}
