/**
 * The GGUF a reference row (the base or a source model) is scored from. A GGUF model is used as it
 * is; an HF folder is converted once per run into `runs/<id>/references/`, at the type candidates
 * are written as, and the file is reused by the test split and by a resumed session (conversion
 * writes under a temporary name, so a file there is complete).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { convertHfToGguf } from "../../convert/index.js";
import type { OutType } from "../../merge/output-dtype.js";
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

export async function referenceGguf(ref: ReferenceModel, runDir: string, outType: OutType): Promise<string> {
  if (!isHfFolder(ref.model)) return ref.model;
  const dir = referencesDir(runDir);
  const file = join(dir, `${ref.role}-${ref.label.replace(/[^A-Za-z0-9_.-]/g, "_")}-${outType}.gguf`);
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  await convertHfToGguf(ref.model, { output: file, outType, name: ref.label });
  return file;
}
