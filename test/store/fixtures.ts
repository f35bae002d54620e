/** Synthetic journals for the store tests: built in code, one helper per kind of entry. */
import type { Recipe } from "../../src/recipe/index.js";
import { journalEntrySchema, type JournalEntry, type JournalEntryInput, type TaskScore } from "../../src/store/index.js";

export const SPACE = "# a search space\nmethod: dare_ties\nmodels: [./a, ./b]\n";
export const SPACE_HASH = "sha256:" + "0".repeat(64);

/** A dare_ties recipe whose weights/densities come from the genome x (as a search would decode it). */
export function recipeFor(x: readonly number[]): Recipe {
  return {
    merge_method: "dare_ties",
    base_model: "./base",
    models: [
      { model: "./expert-a", parameters: { weight: x[0], density: x[1] } },
      { model: "./expert-b", parameters: { weight: x[2], density: [0.2, x[3], 0.9] } },
    ],
    parameters: { normalize: true },
    dtype: "float32",
    seed: 7,
  };
}

export function score(value: number, stderr: number | null = 0.03, items = 100, higherIsBetter = true): TaskScore {
  return { metric: "acc", value, stderr, items, failed: 0, higherIsBetter };
}

export const started = (runId = "run-1"): JournalEntryInput => ({ kind: "run-started", runId, spaceHash: SPACE_HASH, seed: 1, smeltVersion: "0.1.0" });

export function proposed(id: string, generation = 0, x: number[] = [0.5, 0.5, 0.5, 0.5]): JournalEntryInput {
  return { kind: "candidate-proposed", id, generation, method: "dare_ties", x, recipe: recipeFor(x) };
}

export const merged = (id: string): JournalEntryInput => ({ kind: "candidate-merged", id, seconds: { merge: 1.5, write: 0.25 } });

export function scored(id: string, tasks: Record<string, TaskScore>, fitness: number): JournalEntryInput {
  return { kind: "candidate-scored", id, split: "validation", tasks, fitness, seconds: { load: 0.5, score: 3 } };
}

export function heldout(id: string, tasks: Record<string, TaskScore>, fitness: number): JournalEntryInput {
  return { kind: "heldout-scored", id, split: "test", tasks, fitness, seconds: { load: 0.5, score: 3 } };
}

export const failed = (id: string, phase: "merge" | "load" | "score" | "heldout", reason = "boom"): JournalEntryInput => ({ kind: "candidate-failed", id, phase, reason });

export function reference(model: string, role: "base" | "source", tasks: Record<string, TaskScore>, fitness?: number): JournalEntryInput {
  return { kind: "reference-scored", model, role, split: "validation", tasks, ...(fitness === undefined ? {} : { fitness }) };
}

/** Stamps seq (1..n) and a fixed clock, validating every entry as the writer would. */
export function stamp(inputs: readonly JournalEntryInput[]): JournalEntry[] {
  return inputs.map((input, i) => journalEntrySchema.parse({ ...input, seq: i + 1, at: new Date(Date.UTC(2026, 10, 24, 6, 0, i)).toISOString() }));
}

/** A fixed clock advancing one second per call, so journals are reproducible. */
export function fakeClock(start = Date.UTC(2026, 10, 24, 6, 45, 0)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}
