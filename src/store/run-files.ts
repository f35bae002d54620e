import { createHash } from "node:crypto";
import { join } from "node:path";

/** The files of a run folder `runs/<id>/`. */
export interface RunFiles {
  readonly dir: string;
  /** A copy of the search space as given, byte for byte. */
  readonly space: string;
  /** The append-only journal: the run's only source of truth. */
  readonly journal: string;
  /** The latest optimiser snapshot, replaced atomically. */
  readonly optimiser: string;
  /** Kept candidate models (optional). */
  readonly candidates: string;
}

export function runFiles(dir: string): RunFiles {
  return {
    dir,
    space: join(dir, "space.yaml"),
    journal: join(dir, "journal.jsonl"),
    optimiser: join(dir, "optimiser.json"),
    candidates: join(dir, "candidates"),
  };
}

/** `sha256:<hex>` of the search space text, recorded in run-started so resume can detect edits. */
export function hashSpace(spaceText: string): string {
  return `sha256:${createHash("sha256").update(spaceText, "utf8").digest("hex")}`;
}
