import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { CandidateId } from "../../store/index.js";
import { errorText, startMerge, type LoopContext } from "./loop-context.js";
import { scoreModel } from "./score-model.js";
import type { SearchEvent } from "./search-events.js";

/** Re-scores a finalist on the held-out (test) split, from its kept GGUF or merged again; a failure is journaled. */
export async function* scoreHeldout(ctx: LoopContext, id: CandidateId): AsyncGenerator<SearchEvent, void> {
  const kept = ctx.run.candidatePath(id);
  let path = kept;
  let temp: string | undefined;
  try {
    if (!existsSync(kept)) {
      const m = await startMerge(ctx, id, "heldout");
      path = temp = m.path;
    }
    const score = await scoreModel({ backend: ctx.backend, path, tasks: ctx.tasks, objectives: ctx.space.objectives, split: "test", limit: ctx.options.limit, id, stage: "heldout", emit: ctx.emit, now: ctx.now });
    await ctx.run.append({ kind: "heldout-scored", id, split: "test", tasks: score.tasks, fitness: score.fitness, seconds: score.seconds });
    yield { type: "heldout", id, fitness: score.fitness, tasks: score.tasks };
  } catch (error) {
    await ctx.run.append({ kind: "candidate-failed", id, phase: "heldout", reason: errorText(error) });
  } finally {
    if (temp) await rm(temp, { force: true });
  }
}

