import { basename } from "node:path";
import { referenceKey, type ReplayState } from "../../store/index.js";
import type { SearchSpace } from "../search-space.js";
import type { LoopContext } from "./loop-context.js";
import { referenceGguf } from "./reference-gguf.js";
import { scoreModel } from "./score-model.js";
import type { SearchEvent } from "./search-events.js";

/** A base or source model scored as a reference row (once per split; a resume reuses the journal's). */
export async function* scoreReference(ctx: LoopContext, state: ReplayState, ref: { model: string; label: string; role: "base" | "source" }, split: "validation" | "test"): AsyncGenerator<SearchEvent, void> {
  const cached = state.references.get(referenceKey(ref.label, split));
  if (cached) {
    yield { type: "reference", model: ref.label, role: ref.role, split, fitness: cached.fitness ?? Number.NaN, tasks: cached.tasks, cached: true };
    return;
  }
  const path = await referenceGguf(ref, ctx.run.dir, ctx.space.out_type, ctx.options.hub);
  const score = await scoreModel({ backend: ctx.backend, path, tasks: ctx.tasks, objectives: ctx.space.objectives, split, limit: ctx.options.limit, id: ref.label, stage: "reference", emit: ctx.emit, now: ctx.now });
  await ctx.run.append({ kind: "reference-scored", model: ref.label, role: ref.role, split, tasks: score.tasks, fitness: score.fitness });
  yield { type: "reference", model: ref.label, role: ref.role, split, fitness: score.fitness, tasks: score.tasks, cached: false };
}


/** The base and the source models, labelled as the space names them (the base by its file name, a Hub base by its name without the pinned commit). */
export function referenceModels(space: SearchSpace): { model: string; label: string; role: "base" | "source" }[] {
  const base = space.base_model ? [{ model: space.base_model, label: basename(space.base_model).replace(/@[0-9a-f]{40}$/, ""), role: "base" as const }] : [];
  return [...base, ...space.models.map((m) => ({ model: m.model, label: m.name, role: "source" as const }))];
}

