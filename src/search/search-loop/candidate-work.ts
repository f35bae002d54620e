import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { HubOptions } from "../../hub/index.js";
import { merge, type MergePool } from "../../merge/index.js";
import type { Recipe } from "../../recipe/index.js";
import type { SearchSpace } from "../search-space.js";
import type { SearchEvent, SearchStage } from "./search-events.js";

export interface MergedCandidate {
  readonly id: string;
  readonly path: string;
  readonly bytes: number;
  readonly seconds: { readonly merge: number; readonly write: number };
}

/**
 * Builds one candidate as a GGUF in `tmpDir`. The merge engine streams tensor by tensor on the
 * pool's threads; this only waits. `write` is the share of time spent after the last tensor was
 * merged (flushing and renaming the file).
 */
export async function mergeCandidate(args: {
  id: string;
  stage: SearchStage;
  recipe: Recipe;
  space: SearchSpace;
  tmpDir: string;
  pool: MergePool;
  emit: (event: SearchEvent) => void;
  now: () => number;
  hub?: Omit<HubOptions, "onEvent">;
}): Promise<MergedCandidate> {
  const path = join(args.tmpDir, `${args.id}.gguf`);
  await rm(path, { force: true });
  args.emit({ type: "phase", id: args.id, stage: args.stage, phase: "merging" });
  const t0 = args.now();
  let lastTensor = t0;
  await merge(args.recipe, {
    output: path,
    format: "gguf",
    outType: args.space.out_type,
    pool: args.pool,
    force: true,
    // llama.cpp loads the candidate right away: leave it in the page cache.
    directIo: false,
    hub: { ...args.hub, offline: true },
    onEvent: (e) => {
      if (e.event === "tensor") lastTensor = args.now();
    },
  });
  const t1 = args.now();
  const bytes = (await stat(path)).size;
  args.emit({ type: "phase", id: args.id, stage: args.stage, phase: "merged" });
  return { id: args.id, path, bytes, seconds: { merge: (lastTensor - t0) / 1000, write: (t1 - lastTensor) / 1000 } };
}
