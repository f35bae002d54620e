import type { JournalEntry } from "../../index.js";

/** A run the estimate can learn from: its space's hash and its journal. */
export interface PastRun {
  readonly spaceHash: string;
  readonly entries: readonly JournalEntry[];
}

/** Seconds per candidate, split as measured, and where the numbers come from. */
export interface TimeEstimate {
  /** Merge + write + load: per candidate, independent of the item count. */
  readonly fixedSeconds: number;
  /** Scoring time per validation item. */
  readonly secondsPerItem: number;
  readonly perCandidate: number;
  /** What it was measured on, for the label. */
  readonly basis: string;
}

interface Sample {
  readonly fixed: number;
  readonly perItem: number;
  readonly bytes: number | undefined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One sample per candidate that was merged and scored (phases as journaled). */
function samples(entries: readonly JournalEntry[]): Sample[] {
  const merged = new Map<string, Extract<JournalEntry, { kind: "candidate-merged" }>>();
  const out: Sample[] = [];
  for (const e of entries) {
    if (e.kind === "candidate-merged") merged.set(e.id, e);
    if (e.kind === "candidate-scored") {
      const m = merged.get(e.id);
      const items = Object.values(e.tasks).reduce((n, t) => n + t.items + t.failed, 0);
      if (m === undefined || items === 0) continue;
      out.push({ fixed: m.seconds.merge + m.seconds.write + e.seconds.load, perItem: e.seconds.score / items, bytes: m.bytes });
    }
  }
  return out;
}

/** Candidate GGUFs within this factor of the space's model size count as "similar size". */
const SIMILAR_SIZE = 1.25;

/**
 * Estimates one candidate's time on this machine from what earlier runs measured (their
 * journals record merge, write, load and scoring seconds per candidate): runs of the same space
 * first; else runs whose candidates were about as large as this space's models. Medians, with
 * scoring scaled by the number of validation items. Undefined when nothing comparable ran here.
 * Merging overlaps scoring in the loop, so the wall time per candidate is usually lower.
 */
export function estimateCandidateTime(target: { readonly spaceHash: string; readonly itemsPerCandidate: number; readonly modelBytes: number | undefined }, runs: readonly PastRun[]): TimeEstimate | undefined {
  const build = (found: Sample[], runCount: number, basis: string): TimeEstimate | undefined => {
    if (found.length === 0) return undefined;
    const fixedSeconds = median(found.map((s) => s.fixed));
    const secondsPerItem = median(found.map((s) => s.perItem));
    return { fixedSeconds, secondsPerItem, perCandidate: fixedSeconds + secondsPerItem * target.itemsPerCandidate, basis: `estimated from ${basis} (${found.length} candidates, ${runCount} run${runCount === 1 ? "" : "s"})` };
  };
  const same = runs.filter((r) => r.spaceHash === target.spaceHash);
  const fromSame = build(same.flatMap((r) => samples(r.entries)), same.length, "earlier runs of this space");
  if (fromSame !== undefined || target.modelBytes === undefined) return fromSame;
  const bytes = target.modelBytes;
  const similar = runs
    .filter((r) => r.spaceHash !== target.spaceHash)
    .map((r) => samples(r.entries).filter((s) => s.bytes !== undefined && s.bytes <= bytes * SIMILAR_SIZE && s.bytes * SIMILAR_SIZE >= bytes))
    .filter((s) => s.length > 0);
  return build(similar.flat(), similar.length, "the rates of earlier runs of same-size models");
}
