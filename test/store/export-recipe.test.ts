import { describe, expect, it } from "vitest";
import type { EvalResult } from "../../src/eval/index.js";
import { parseRecipe } from "../../src/recipe/index.js";
import { RunStoreError, exportRecipe, taskScoresFromEval, type JournalEntryInput } from "../../src/store/index.js";
import { failed, heldout, proposed, recipeFor, score, scored, started, stamp } from "./fixtures.js";

const both = (a: number, c: number) => ({ arith: score(a), copy: score(c) });
const X = { A: [0.1, 0.2, 0.3, 0.4], B: [0.9, 0.8, 0.7, 0.6], C: [0.5, 0.5, 0.5, 0.25] };
const base: JournalEntryInput[] = [
  started("exp-run"),
  proposed("A", 0, X.A),
  proposed("B", 0, X.B),
  proposed("C", 1, X.C),
  proposed("P", 1), // pending
  scored("A", both(0.9, 0.1), 0.6), // best fitness, on the front
  scored("B", both(0.3, 0.8), 0.5), // on the front
  scored("C", both(0.2, 0.7), 0.4), // dominated by B
];

describe("exportRecipe", () => {
  it("defaults to the best fitness when no front candidate has held-out scores", () => {
    const out = exportRecipe(stamp([...base, heldout("C", both(0.2, 0.7), 0.45)]));
    expect(out).toMatchObject({ candidate: "A", choice: "best-fitness", higherUnchecked: undefined });
    expect(out.recipe).toEqual(recipeFor(X.A));
  });

  it("prefers the best Pareto-front finalist with held-out scores", () => {
    const out = exportRecipe(stamp([...base, heldout("B", both(0.31, 0.75), 0.52), heldout("C", both(0.2, 0.7), 0.45)]));
    expect(out).toMatchObject({ candidate: "B", choice: "best-pareto-heldout", higherUnchecked: { id: "A", fitness: 0.6 } });
    expect(out.yaml).toContain("# note: A has a higher validation fitness (0.600) but no held-out score\n");
    expect(out.yaml).toMatch(/^# Exported by smelt from run exp-run: candidate B \(generation 0, dare_ties\), best validation fitness among Pareto-front finalists with held-out scores\n/);
    expect(out.yaml).toContain("# validation fitness 0.500: arith 0.300 ± 0.030 (n=100), copy 0.800 ± 0.030 (n=100)\n");
    expect(out.yaml).toContain("# held-out (test) fitness 0.520: arith 0.310 ± 0.030 (n=100), copy 0.750 ± 0.030 (n=100)\n");
  });

  it("writes YAML that parseRecipe reads back equal to the journaled recipe", () => {
    for (const id of ["A", "B", "C", "P"]) {
      const out = exportRecipe(stamp(base), { candidate: id });
      expect(out.choice).toBe("given");
      expect(parseRecipe(out.yaml, `${id}.yaml`)).toEqual(out.recipe);
    }
    expect(exportRecipe(stamp(base), { candidate: "P" }).yaml).toContain("# not scored yet\n");
    expect(exportRecipe(stamp(base), { candidate: "C" }).yaml).toContain("weight: 0.5");
  });

  it("notes a failure in the header of a failed candidate", () => {
    const out = exportRecipe(stamp([...base, failed("P", "load", "llama.cpp could not load it\nstack...")]), { candidate: "P" });
    expect(out.yaml).toContain("# failed (load): llama.cpp could not load it\n");
  });

  it("lists the valid ids for an unknown candidate", () => {
    expect(() => exportRecipe(stamp(base), { candidate: "Z" })).toThrow(RunStoreError);
    expect(() => exportRecipe(stamp(base), { candidate: "Z" })).toThrow(/no candidate "Z" in this run; candidates: A, B, C, P$/);
  });

  it("refuses a run with nothing scored", () => {
    expect(() => exportRecipe(stamp([started(), proposed("A")]))).toThrow(/no candidate has been scored yet \(1 proposed\)/);
  });
});

describe("taskScoresFromEval", () => {
  it("keeps each task's first metric, naming the filter lm-eval style, and drops tasks with none", () => {
    const task = (name: string, metrics: object[], items: number, failedItems: number) =>
      ({ task: name, metrics, items, failed: failedItems }) as unknown as EvalResult["tasks"][number];
    const result = {
      tasks: [
        task("arith", [{ metric: "exact_match", filter: "strict", value: 0.7, stderr: 0.04, stderrMethod: "sample", higherIsBetter: true }], 120, 2),
        task("copy", [{ metric: "acc", filter: "none", value: 0.5, stderr: null, stderrMethod: "sample", higherIsBetter: true }], 1, 0),
        task("broken", [], 0, 50),
      ],
    } as unknown as EvalResult;
    expect(taskScoresFromEval(result)).toEqual({
      arith: { metric: "exact_match,strict", value: 0.7, stderr: 0.04, items: 120, failed: 2, higherIsBetter: true },
      copy: { metric: "acc", value: 0.5, stderr: null, items: 1, failed: 0, higherIsBetter: true },
    });
  });
});
