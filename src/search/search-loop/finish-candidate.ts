import { SmeltError } from "../../errors.js";
import type { CandidateId } from "../../store/index.js";
import type { MergedCandidate } from "./candidate-work.js";
import { errorText, type LoopContext, type Settled } from "./loop-context.js";
import { scoreModel, type ModelScore } from "./score-model.js";
import type { SearchEvent } from "./search-events.js";

/** Journals the merge and the score of one candidate; a failure anywhere is journaled, not thrown. */
export async function* finishCandidate(ctx: LoopContext, id: CandidateId, merged: Settled<MergedCandidate>): AsyncGenerator<SearchEvent, (ModelScore & { seconds: { merge: number; write: number; load: number; score: number } }) | undefined> {
  if (!merged.ok) {
    await ctx.run.append({ kind: "candidate-failed", id, phase: "merge", reason: errorText(merged.error) });
    return undefined;
  }
  const m = merged.value;
  await ctx.run.append({ kind: "candidate-merged", id, seconds: m.seconds, bytes: m.bytes });
  const limit = ctx.options.candidateTimeoutSeconds;
  try {
    const score = await scoreModel({
      backend: ctx.backend, path: m.path, tasks: ctx.tasks, objectives: ctx.space.objectives, split: "validation", limit: ctx.options.limit,
      id, stage: "search", emit: ctx.emit, now: ctx.now, deadline: limit === undefined ? undefined : ctx.now() + limit * 1000,
    });
    await ctx.run.append({ kind: "candidate-scored", id, split: "validation", tasks: score.tasks, fitness: score.fitness, seconds: score.seconds });
    return { ...score, seconds: { ...m.seconds, ...score.seconds } };
  } catch (error) {
    const phase = error instanceof SmeltError && error.code === "eval-backend" ? "load" : "score";
    await ctx.run.append({ kind: "candidate-failed", id, phase, reason: errorText(error) });
    return undefined;
  }
}

