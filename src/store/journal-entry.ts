import { z } from "zod";
import { recipeSchema } from "../recipe/index.js";

/**
 * One line of a run's `journal.jsonl` (house style §2, §6): a discriminated union on `kind`, every
 * entry stamped with a 1-based `seq` (strictly increasing through the file) and `at` (ISO time).
 * The journal is the run's only source of truth: the leaderboard, the export and resume are all
 * derived from it, so an entry records everything needed to rebuild them and nothing derived.
 *
 * Numbers must be finite: JSON cannot carry NaN or Infinity (JSON.stringify writes `null`), so a
 * non-finite score is refused when written rather than discovered when read back.
 */

/** zod 4's number() already refuses NaN and ±Infinity. */
const finite = z.number();
const seconds = finite.min(0);

export const candidateIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "candidate ids are 1-64 letters, digits, '.', '_' or '-' (they name files)")
  .brand<"CandidateId">();
/** A candidate's id within its run (branded so it is not mixed up with model references). */
export type CandidateId = z.infer<typeof candidateIdSchema>;

/** Checks a string is a valid candidate id and brands it (for looking candidates up in a ReplayState). */
export function candidateId(id: string): CandidateId {
  return candidateIdSchema.parse(id);
}

/** The split a score was measured on: `validation` drives the search, `test` is held out. */
export const scoreSplitSchema = z.enum(["validation", "test"]);
export type ScoreSplit = z.infer<typeof scoreSplitSchema>;

/** One task's headline metric, as the leaderboard shows it: `value ± stderr` over `items`. */
export const taskScoreSchema = z.strictObject({
  metric: z.string().min(1),
  value: finite,
  /** Null when undefined (fewer than two items), as in EvalResult. */
  stderr: finite.min(0).nullable(),
  /** Items scored; failed ones excluded. */
  items: z.number().int().min(0),
  failed: z.number().int().min(0),
  /** Direction of the metric, used by the Pareto front. Defaults to true (accuracy-like). */
  higherIsBetter: z.boolean().default(true),
});
export type TaskScore = z.infer<typeof taskScoreSchema>;

const taskScoresSchema = z.record(z.string().min(1), taskScoreSchema);

const base = { seq: z.number().int().min(1), at: z.iso.datetime() };

/**
 * A Hugging Face reference of the search space (`org/name` or `org/name@revision`) and the commit
 * it resolved to when the run started. Candidates name `repo@commit`, and a resume uses the same
 * commit from the cache, never a newer revision.
 */
export const hubPinSchema = z.strictObject({
  /** The reference as the search space writes it. */
  ref: z.string().min(1),
  repo: z.string().min(1),
  /** The revision asked for (`main` when none was written). */
  revision: z.string().min(1),
  /** The 40-hex commit it resolved to. */
  commit: z.string().regex(/^[0-9a-f]{40}$/, "a commit is 40 lowercase hex digits"),
});
export type HubPin = z.infer<typeof hubPinSchema>;

export const runStartedSchema = z.strictObject({
  ...base,
  kind: z.literal("run-started"),
  runId: z.string().min(1),
  /** `sha256:<hex>` of space.yaml's bytes: resume refuses a space edited since. */
  spaceHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  seed: z.number().int().min(0),
  smeltVersion: z.string().min(1),
  /** Free-form settings the loop wants on record (budget, threads, objective weights...). */
  settings: z.record(z.string(), z.unknown()).optional(),
  /** The space's Hub references and their commits (absent when every model is a local path). */
  hubPins: z.array(hubPinSchema).optional(),
});

export const runResumedSchema = z.strictObject({
  ...base,
  kind: z.literal("run-resumed"),
  smeltVersion: z.string().min(1),
  /** 1-based line number of a torn last line dropped before resuming, if there was one. */
  droppedTornLine: z.number().int().min(1).optional(),
});

/**
 * The user paused the search: no new candidate (or reference, or finalist) starts until
 * run-unpaused. Journaled because paused time is not spent budget: a resume counts a `minutes`
 * budget without the paused spans of earlier sessions.
 */
export const runPausedSchema = z.strictObject({
  ...base,
  kind: z.literal("run-paused"),
});

/** The end of a pause (the user resumed it, or stopped the search while it was paused). */
export const runUnpausedSchema = z.strictObject({
  ...base,
  kind: z.literal("run-unpaused"),
});

export const referenceScoredSchema = z.strictObject({
  ...base,
  kind: z.literal("reference-scored"),
  /** The model reference as the search space names it. */
  model: z.string().min(1),
  /** `base` is the base model; `source` one of the models being merged (an expert). */
  role: z.enum(["base", "source"]),
  split: scoreSplitSchema,
  tasks: taskScoresSchema,
  /** The same objective candidates are ranked by, when the loop computed it. */
  fitness: finite.optional(),
});

export const candidateProposedSchema = z.strictObject({
  ...base,
  kind: z.literal("candidate-proposed"),
  id: candidateIdSchema,
  generation: z.number().int().min(0),
  /** The merge method of the recipe (a copy of recipe.merge_method, for quick filtering). */
  method: z.string().min(1),
  /** The optimiser's genome vector that decoded into `recipe`. */
  x: z.array(finite),
  recipe: recipeSchema,
});

export const candidateMergedSchema = z.strictObject({
  ...base,
  kind: z.literal("candidate-merged"),
  id: candidateIdSchema,
  seconds: z.strictObject({ merge: seconds, write: seconds }),
  bytes: z.number().int().min(0).optional(),
});

const scoredFields = {
  ...base,
  id: candidateIdSchema,
  tasks: taskScoresSchema,
  /** The weighted objective: higher is better. */
  fitness: finite,
  seconds: z.strictObject({ load: seconds, score: seconds }),
};

/** The score the search optimises (normally on the validation split). Exactly once per candidate. */
export const candidateScoredSchema = z.strictObject({
  ...scoredFields,
  kind: z.literal("candidate-scored"),
  split: scoreSplitSchema,
});

/** A finalist re-scored on held-out items (test split). At most once per candidate. */
export const heldoutScoredSchema = z.strictObject({
  ...scoredFields,
  kind: z.literal("heldout-scored"),
  split: z.literal("test"),
});

export const failurePhaseSchema = z.enum(["decode", "merge", "load", "score", "heldout"]);
export type FailurePhase = z.infer<typeof failurePhaseSchema>;

/** A candidate that could not be merged, loaded or scored: a journal entry, not a crash (§9). */
export const candidateFailedSchema = z.strictObject({
  ...base,
  kind: z.literal("candidate-failed"),
  id: candidateIdSchema,
  phase: failurePhaseSchema,
  reason: z.string(),
});

export const runFinishedSchema = z.strictObject({
  ...base,
  kind: z.literal("run-finished"),
  /** budget: evaluations used up; time: wall-clock limit; stopped: the user; converged: the optimiser. */
  reason: z.enum(["budget", "time", "stopped", "converged"]),
});

export const journalEntrySchema = z.discriminatedUnion("kind", [
  runStartedSchema,
  runResumedSchema,
  runPausedSchema,
  runUnpausedSchema,
  referenceScoredSchema,
  candidateProposedSchema,
  candidateMergedSchema,
  candidateScoredSchema,
  heldoutScoredSchema,
  candidateFailedSchema,
  runFinishedSchema,
]);

export type JournalEntry = z.infer<typeof journalEntrySchema>;
export type JournalEntryKind = JournalEntry["kind"];
export type RunStartedEntry = z.infer<typeof runStartedSchema>;
export type RunResumedEntry = z.infer<typeof runResumedSchema>;
export type RunPausedEntry = z.infer<typeof runPausedSchema>;
export type RunUnpausedEntry = z.infer<typeof runUnpausedSchema>;
export type ReferenceScoredEntry = z.infer<typeof referenceScoredSchema>;
export type CandidateProposedEntry = z.infer<typeof candidateProposedSchema>;
export type CandidateMergedEntry = z.infer<typeof candidateMergedSchema>;
export type CandidateScoredEntry = z.infer<typeof candidateScoredSchema>;
export type HeldoutScoredEntry = z.infer<typeof heldoutScoredSchema>;
export type CandidateFailedEntry = z.infer<typeof candidateFailedSchema>;
export type RunFinishedEntry = z.infer<typeof runFinishedSchema>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * What a caller appends: an entry without `seq` and `at`, which the writer stamps. Input types, so
 * plain strings are accepted where the stored entry has branded ids.
 */
export type JournalEntryInput = DistributiveOmit<z.input<typeof journalEntrySchema>, "seq" | "at">;
