import type {
  CandidateFailedEntry,
  CandidateId,
  CandidateMergedEntry,
  CandidateProposedEntry,
  CandidateScoredEntry,
  HeldoutScoredEntry,
  JournalEntry,
  ReferenceScoredEntry,
  RunFinishedEntry,
  RunStartedEntry,
  ScoreSplit,
} from "./journal-entry.js";
import { RunStoreError } from "./run-store-error.js";

/** What a journal says has happened: the state a resumed loop starts from. Maps keep proposal order. */
export interface ReplayState {
  readonly started: RunStartedEntry;
  readonly proposed: ReadonlyMap<CandidateId, CandidateProposedEntry>;
  /** The latest merge of each candidate (a resumed run may merge a pending candidate again). */
  readonly merged: ReadonlyMap<CandidateId, CandidateMergedEntry>;
  readonly scored: ReadonlyMap<CandidateId, CandidateScoredEntry>;
  readonly heldout: ReadonlyMap<CandidateId, HeldoutScoredEntry>;
  readonly failed: ReadonlyMap<CandidateId, CandidateFailedEntry>;
  /** Proposed but neither scored nor failed, in proposal order: the work a resume must finish. */
  readonly pending: readonly CandidateId[];
  /** Keyed by referenceKey(model, split). */
  readonly references: ReadonlyMap<string, ReferenceScoredEntry>;
  /** Whether the last session's pause is still open (run-paused without its run-unpaused). */
  readonly paused: boolean;
  /** Set when the last lifecycle entry is run-finished (a later run-resumed clears it). */
  readonly finished: RunFinishedEntry | undefined;
  /** Highest generation proposed, -1 when none. */
  readonly lastGeneration: number;
  readonly lastSeq: number;
}

export function referenceKey(model: string, split: ScoreSplit): string {
  return `${split}\u0000${model}`;
}

/**
 * Folds a journal into a ReplayState, checking the invariants resume relies on ("no finished
 * evaluation is lost or repeated"): one run-started, first; a candidate proposed once, scored at
 * most once, held-out scored at most once and only after its score, and never both scored and
 * failed (except a held-out failure); references scored once per model and split; nothing about a
 * candidate before its proposal; pauses and unpauses alternate within a session. A violation is a RunStoreError naming the entry's seq: it means two
 * processes wrote one journal or the loop repeated work, and results derived from it would lie.
 */
export function replayState(entries: readonly JournalEntry[], source = "journal"): ReplayState {
  const proposed = new Map<CandidateId, CandidateProposedEntry>();
  const merged = new Map<CandidateId, CandidateMergedEntry>();
  const scored = new Map<CandidateId, CandidateScoredEntry>();
  const heldout = new Map<CandidateId, HeldoutScoredEntry>();
  const failed = new Map<CandidateId, CandidateFailedEntry>();
  const references = new Map<string, ReferenceScoredEntry>();
  let started: RunStartedEntry | undefined;
  let finished: RunFinishedEntry | undefined;
  let lastGeneration = -1;
  let lastSeq = 0;
  let paused = false;
  // Merges since the last (re)start: merging twice within one process is a repeat; across a resume
  // it is the expected redo of a pending candidate whose file did not survive.
  let mergedThisSession = new Set<CandidateId>();

  for (const entry of entries) {
    const fail = (problem: string): never => {
      throw new RunStoreError(source, `entry seq ${entry.seq} (${entry.kind}): ${problem}`);
    };
    if (entry.seq <= lastSeq) fail(`seq does not increase (previous ${lastSeq})`);
    lastSeq = entry.seq;
    if (started === undefined && entry.kind !== "run-started") fail("the journal must begin with run-started");
    const known = (id: CandidateId): CandidateProposedEntry => proposed.get(id) ?? fail(`candidate ${id} was never proposed`);
    switch (entry.kind) {
      case "run-started":
        if (started !== undefined) fail(`a second run-started (the first is seq ${started.seq})`);
        started = entry;
        break;
      case "run-resumed":
        finished = undefined;
        mergedThisSession = new Set();
        // A session that died while paused never wrote run-unpaused: its pause ended with it.
        paused = false;
        break;
      case "run-paused":
        if (paused) fail("the run is already paused");
        paused = true;
        break;
      case "run-unpaused":
        if (!paused) fail("the run is not paused");
        paused = false;
        break;
      case "run-finished":
        finished = entry;
        break;
      case "reference-scored": {
        const key = referenceKey(entry.model, entry.split);
        const previous = references.get(key);
        if (previous) fail(`reference ${entry.model} was already scored on ${entry.split} at seq ${previous.seq}`);
        references.set(key, entry);
        break;
      }
      case "candidate-proposed": {
        const previous = proposed.get(entry.id);
        if (previous) fail(`candidate ${entry.id} was already proposed at seq ${previous.seq}`);
        proposed.set(entry.id, entry);
        lastGeneration = Math.max(lastGeneration, entry.generation);
        break;
      }
      case "candidate-merged":
        known(entry.id);
        if (mergedThisSession.has(entry.id)) fail(`candidate ${entry.id} was merged twice in one session`);
        if (scored.has(entry.id) || failed.has(entry.id)) fail(`candidate ${entry.id} is already ${scored.has(entry.id) ? "scored" : "failed"}`);
        mergedThisSession.add(entry.id);
        merged.set(entry.id, entry);
        break;
      case "candidate-scored": {
        known(entry.id);
        const previous = scored.get(entry.id);
        if (previous) fail(`candidate ${entry.id} was already scored at seq ${previous.seq}: every candidate is scored exactly once`);
        const failure = failed.get(entry.id);
        if (failure) fail(`candidate ${entry.id} already failed (${failure.phase}) at seq ${failure.seq}`);
        scored.set(entry.id, entry);
        break;
      }
      case "heldout-scored": {
        known(entry.id);
        const previous = heldout.get(entry.id);
        if (previous) fail(`candidate ${entry.id} was already scored on held-out items at seq ${previous.seq}`);
        if (!scored.has(entry.id)) fail(`candidate ${entry.id} has a held-out score but no search score`);
        if (failed.has(entry.id)) fail(`candidate ${entry.id} already failed its held-out evaluation`);
        heldout.set(entry.id, entry);
        break;
      }
      case "candidate-failed": {
        known(entry.id);
        const previous = failed.get(entry.id);
        if (previous) fail(`candidate ${entry.id} already failed (${previous.phase}) at seq ${previous.seq}`);
        if (entry.phase === "heldout") {
          if (!scored.has(entry.id)) fail(`candidate ${entry.id} failed its held-out evaluation before being scored`);
          if (heldout.has(entry.id)) fail(`candidate ${entry.id} already has a held-out score`);
        } else if (scored.has(entry.id)) {
          fail(`candidate ${entry.id} failed (${entry.phase}) after being scored at seq ${scored.get(entry.id)?.seq}`);
        }
        failed.set(entry.id, entry);
        break;
      }
      default:
        void (entry satisfies never);
        throw new Error("unreachable");
    }
  }
  if (started === undefined) throw new RunStoreError(source, "the journal is empty: no run-started entry");
  const pending = [...proposed.keys()].filter((id) => !scored.has(id) && !failed.has(id));
  return { started, proposed, merged, scored, heldout, failed, pending, references, paused, finished, lastGeneration, lastSeq };
}
