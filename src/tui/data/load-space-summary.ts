import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { hashSpace, loadSearchSpace, loadTask } from "../../index.js";
import { summariseSpace, type SpaceSummary } from "../state/space-summary.js";
import { estimateCandidateTime, type PastRun, type TimeEstimate } from "../state/time-estimate.js";

export interface LaunchSpace {
  readonly path: string;
  readonly summary: SpaceSummary;
  readonly estimate: TimeEstimate | undefined;
  readonly evaluations: number | undefined;
}

/**
 * Loads a search space for the launch screen: validates it (the same loader the search uses, so
 * an invalid space shows the same error), reads its tasks' validation sizes and the model size,
 * and estimates a candidate's time from earlier runs' journals.
 */
export async function loadSpaceSummary(path: string, options: { readonly limit: number | undefined; readonly pastRuns: readonly PastRun[] }): Promise<LaunchSpace> {
  const text = await readFile(path, "utf8");
  const space = await loadSearchSpace(path);
  const validationItems: Record<string, number> = {};
  for (const o of space.objectives) {
    const task = await loadTask(o.task);
    validationItems[o.taskName] = task.splits.validation?.length ?? 0;
  }
  const model = space.base_model ?? space.models[0]?.model;
  const modelBytes = model === undefined ? undefined : await weightBytes(model);
  const summary = summariseSpace(space, { modelBytes, validationItems, limit: options.limit });
  const estimate = estimateCandidateTime({ spaceHash: hashSpace(text), itemsPerCandidate: summary.itemsPerCandidate, modelBytes }, options.pastRuns);
  return { path, summary, estimate, evaluations: space.budget.evaluations };
}

/** Bytes of a model's weights: a GGUF/safetensors file's size, or an HF folder's safetensors files. */
async function weightBytes(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    if (!info.isDirectory()) return info.size;
    let total = 0;
    for (const name of await readdir(path)) {
      if (name.endsWith(".safetensors")) total += (await stat(join(path, name))).size;
    }
    return total;
  } catch {
    // Not a local path (e.g. a Hub reference not yet pulled): the summary leaves the size out.
    return undefined;
  }
}
