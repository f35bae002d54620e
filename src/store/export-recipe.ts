import { recipeToYaml, type Recipe } from "../recipe/index.js";
import type { CandidateId, JournalEntry, TaskScore } from "./journal-entry.js";
import { leaderboard, type LeaderboardRow } from "./leaderboard.js";
import { formatScore } from "./render-leaderboard.js";
import { replayState } from "./replay-state.js";
import { RunStoreError } from "./run-store-error.js";

/** How the exported candidate was chosen. */
export type ExportChoice = "given" | "best-pareto-heldout" | "best-fitness";

export interface ExportedRecipe {
  readonly candidate: CandidateId;
  readonly recipe: Recipe;
  readonly choice: ExportChoice;
  /** A mergekit-compatible YAML document with a `#` comment header (run, candidate, scores). */
  readonly yaml: string;
  /**
   * Set when the default pick is a finalist but another candidate has a higher search fitness
   * without held-out scores (re-score it on held-out items, or export it by id).
   */
  readonly higherUnchecked: { readonly id: CandidateId; readonly fitness: number } | undefined;
}

export interface ExportRecipeOptions {
  /** The candidate to export. Defaults to the pick described on exportRecipe. */
  readonly candidate?: string;
}

const CHOICE_TEXT: Record<ExportChoice, string> = {
  given: "chosen by hand",
  "best-pareto-heldout": "best validation fitness among Pareto-front finalists with held-out scores",
  "best-fitness": "best validation fitness (no Pareto-front candidate has held-out scores)",
};

/** How many ids an "unknown candidate" error lists before summarising. */
const LISTED_IDS = 20;

/**
 * Picks the default candidate: the best search fitness among Pareto-front candidates that were
 * re-scored on held-out items, else the best fitness overall. Selection stays on the search
 * (validation) score on purpose: picking by held-out score would make the held-out number biased
 * upward like any maximum (the winner's curse), and it is the one honest estimate the run has.
 * Requiring held-out scores prefers a finalist whose generalisation was checked.
 */
function pickDefault(rows: readonly LeaderboardRow[]): { row: LeaderboardRow; choice: ExportChoice } | undefined {
  const byFitness = [...rows].sort((a, b) => a.rank - b.rank);
  const finalist = byFitness.find((r) => r.pareto && r.heldout !== undefined);
  if (finalist) return { row: finalist, choice: "best-pareto-heldout" };
  return byFitness.length > 0 ? { row: byFitness[0], choice: "best-fitness" } : undefined;
}

function scoreLine(label: string, fitness: number, tasks: Readonly<Record<string, TaskScore>>): string {
  const parts = Object.entries(tasks).map(([t, s]) => `${t} ${formatScore(s.value)}${s.stderr === null ? "" : ` ± ${formatScore(s.stderr)}`} (n=${s.items})`);
  return `# ${label} fitness ${formatScore(fitness)}${parts.length > 0 ? `: ${parts.join(", ")}` : ""}`;
}

/**
 * The recipe of one candidate of a run as YAML (via recipeToYaml: `parseRecipe` reads it back
 * equal), headed by comments naming the run, the candidate, how it was chosen and its scores.
 * Throws RunStoreError for an unknown candidate (listing valid ids) or a run with nothing scored.
 */
export function exportRecipe(entries: readonly JournalEntry[], options: ExportRecipeOptions = {}): ExportedRecipe {
  const state = replayState(entries);
  const runId = state.started.runId;
  const board = leaderboard(entries);
  let id: CandidateId;
  let choice: ExportChoice;
  let higherUnchecked: ExportedRecipe["higherUnchecked"];
  if (options.candidate !== undefined) {
    const wanted = options.candidate;
    const match = [...state.proposed.keys()].find((k) => k === wanted);
    if (match === undefined) {
      const ids = [...state.proposed.keys()];
      const listed = ids.length === 0 ? "none proposed yet" : `${ids.slice(0, LISTED_IDS).join(", ")}${ids.length > LISTED_IDS ? `, ... (${ids.length} in all; smelt leaderboard lists them)` : ""}`;
      throw new RunStoreError(runId, `no candidate "${wanted}" in this run; candidates: ${listed}`);
    }
    id = match;
    choice = "given";
  } else {
    const pick = pickDefault(board.candidates);
    if (pick === undefined) {
      throw new RunStoreError(runId, `no candidate has been scored yet (${state.proposed.size} proposed): nothing to export; wait for the search or pass a candidate id`);
    }
    id = pick.row.id;
    choice = pick.choice;
    const top = board.candidates.find((r) => r.rank === 1);
    if (top !== undefined && top.id !== id && top.heldout === undefined) higherUnchecked = { id: top.id, fitness: top.fitness };
  }
  const proposal = state.proposed.get(id);
  if (proposal === undefined) throw new Error(`unreachable: ${id} not proposed`);
  const header = [`# Exported by smelt from run ${runId}: candidate ${id} (generation ${proposal.generation}, ${proposal.method}), ${CHOICE_TEXT[choice]}`];
  const scored = state.scored.get(id);
  const heldout = state.heldout.get(id);
  const failure = state.failed.get(id);
  if (scored) header.push(scoreLine(scored.split, scored.fitness, scored.tasks));
  if (heldout) header.push(scoreLine("held-out (test)", heldout.fitness, heldout.tasks));
  if (failure) header.push(`# failed (${failure.phase}): ${failure.reason.split("\n")[0]}`);
  if (!scored && !failure) header.push("# not scored yet");
  if (higherUnchecked) header.push(`# note: ${higherUnchecked.id} has a higher validation fitness (${formatScore(higherUnchecked.fitness)}) but no held-out score`);
  // Hub models are named repo@<commit> in the recipe (mergekit's syntax): the exact weights scored.
  for (const pin of state.started.hubPins ?? []) {
    if (pin.revision !== pin.commit) header.push(`# ${pin.ref} = ${pin.repo}@${pin.commit} (the commit ${pin.revision} resolved to when the run started)`);
  }
  const recipe = proposal.recipe;
  return { candidate: id, recipe, choice, yaml: `${header.join("\n")}\n${recipeToYaml(recipe)}`, higherUnchecked };
}
