import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSpaceSummary } from "../../src/tui/data/load-space-summary.js";
import { estimateCandidateTime, type PastRun } from "../../src/tui/state/time-estimate.js";
import type { JournalEntryInput } from "../../src/index.js";
import { proposed, score, stamp, started } from "../store/fixtures.js";

const SPACES = fileURLToPath(new URL("../../search-spaces/", import.meta.url));

/** A run whose candidates took `merge` s to merge (of `bytes`) and `perItem` s per item to score 10 items. */
function pastRun(spaceHash: string, n: number, merge: number, perItem: number, bytes: number): PastRun {
  const entries = stamp([
    started(),
    ...Array.from({ length: n }, (_, i): JournalEntryInput[] => [
      proposed(`c${i}`),
      { kind: "candidate-merged", id: `c${i}`, seconds: { merge, write: 0 }, bytes },
      { kind: "candidate-scored", id: `c${i}`, split: "validation", tasks: { a: score(0.5, 0.1, 6), b: score(0.5, 0.1, 4) }, fitness: 1, seconds: { load: 0.5, score: 10 * perItem } },
    ]).flat(),
  ]);
  return { spaceHash, entries };
}

describe("estimateCandidateTime", () => {
  it("uses earlier runs of the same space first, scaling scoring by the item count", () => {
    const runs = [pastRun("sha256:same", 3, 2, 0.1, 1e6), pastRun("sha256:other", 5, 100, 9, 1e6)];
    const e = estimateCandidateTime({ spaceHash: "sha256:same", itemsPerCandidate: 30, modelBytes: 1e6 }, runs)!;
    expect(e.fixedSeconds).toBeCloseTo(2.5, 9);
    expect(e.secondsPerItem).toBeCloseTo(0.1, 9);
    expect(e.perCandidate).toBeCloseTo(2.5 + 3, 9);
    expect(e.basis).toMatch(/earlier runs of this space \(3 candidates, 1 run\)/);
  });

  it("falls back to runs of same-size models, and says when nothing comparable ran here", () => {
    const runs = [pastRun("sha256:a", 2, 1, 0.01, 1.1e6), pastRun("sha256:b", 2, 50, 1, 9e6)];
    const e = estimateCandidateTime({ spaceHash: "sha256:new", itemsPerCandidate: 100, modelBytes: 1e6 }, runs)!;
    expect(e.perCandidate).toBeCloseTo(1.5 + 1, 9);
    expect(e.basis).toMatch(/same-size models \(2 candidates, 1 run\)/);
    expect(estimateCandidateTime({ spaceHash: "sha256:new", itemsPerCandidate: 100, modelBytes: 1e9 }, runs)).toBeUndefined();
    expect(estimateCandidateTime({ spaceHash: "sha256:new", itemsPerCandidate: 100, modelBytes: 1e6 }, [])).toBeUndefined();
  });
});

describe("loadSpaceSummary", () => {
  it("summarises a bundled space: models, methods with dimensions, bounds, objectives with items, budget, optimiser", async () => {
    const s = await loadSpaceSummary(`${SPACES}toy-methods.yaml`, { limit: 20, pastRuns: [] });
    const lines = Object.fromEntries(s.summary.lines);
    expect(lines.models).toMatch(/^max, kind, pick · base base\.gguf · 1\.7 MB each$/);
    expect(lines.methods).toBe("task_arithmetic (3 dims), ties (6 dims), dare_ties (6 dims)");
    expect(lines.searched).toContain("weight per model [0, 1.5]");
    expect(lines.objectives).toBe("toy_max exact_match↑ (20 items) · toy_kind exact_match↑ (20 items) · toy_pick exact_match↑ (20 items)");
    expect(s.summary.itemsPerCandidate).toBe(60);
    expect(lines.optimiser).toMatch(/cma-es .* successive halving/);
    expect(s.estimate).toBeUndefined();
  });
});
