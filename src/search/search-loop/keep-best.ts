import { copyFile, mkdir, rm } from "node:fs/promises";
import { replayState, type CandidateId } from "../../store/index.js";
import type { MergedCandidate } from "./candidate-work.js";
import type { LoopContext, Settled } from "./loop-context.js";

/** Keeps the best `keep` candidates' GGUFs in the run folder, dropping the ones pushed out. */
export async function keepBest(ctx: LoopContext, id: CandidateId, merged: Settled<MergedCandidate>): Promise<void> {
  const keep = ctx.options.keep ?? 0;
  if (keep <= 0 || !merged.ok) return;
  const ranked = [...replayState(ctx.run.entries, ctx.run.files.journal).scored.values()].sort((a, b) => b.fitness - a.fitness).map((s) => s.id);
  const top = new Set(ranked.slice(0, keep));
  if (top.has(id)) {
    await mkdir(ctx.run.files.candidates, { recursive: true });
    await copyFile(merged.value.path, ctx.run.candidatePath(id));
  }
  for (const other of ranked.slice(keep)) await rm(ctx.run.candidatePath(other), { force: true });
}

