import { describe, expect, it } from "vitest";
import { reportData } from "../../src/report/index.js";
import { paretoFront, type CandidateProposedEntry, type CandidateScoredEntry } from "../../src/store/index.js";
import { FIXTURE_RUNS, journalCounts, openFixture } from "./fixtures.js";

describe.each(FIXTURE_RUNS)("reportData on the real run %s", (name) => {
  it("has one candidate per scored journal entry and one failure per failed one, in evaluation order", async () => {
    const run = await openFixture(name);
    const data = reportData(run);
    const counts = journalCounts(run.entries);
    expect(data.candidates).toHaveLength(counts.scored);
    expect(data.failures).toHaveLength(counts.failed);
    const finished = run.entries.filter((e) => e.kind === "candidate-scored" || (e.kind === "candidate-failed" && e.phase !== "heldout")).map((e) => (e as { id: string }).id);
    const byIndex = [...data.candidates, ...data.failures].sort((a, b) => a.index - b.index);
    expect(byIndex.map((c) => c.index)).toEqual(finished.map((_, i) => i + 1));
    expect(byIndex.map((c) => c.id)).toEqual(finished);
    expect(data.candidates.filter((c) => c.heldout !== undefined)).toHaveLength(counts.heldout);
  });

  it("marks exactly src/store's Pareto front of the per-task scores", async () => {
    const run = await openFixture(name);
    const data = reportData(run);
    const scored = run.entries.filter((e): e is CandidateScoredEntry => e.kind === "candidate-scored");
    const tasks = Object.keys(scored[0].tasks);
    const front = paretoFront(scored.map((s) => tasks.map((t) => (s.tasks[t].higherIsBetter ? s.tasks[t].value : -s.tasks[t].value))));
    const expected = scored.filter((_, i) => front[i]).map((s) => s.id as string).sort();
    expect(data.candidates.filter((c) => c.pareto).map((c) => c.id).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    expect(data.tasks.map((t) => t.name)).toEqual(tasks);
  });

  it("keeps the reference models (base and every source, both splits) and the best so far", async () => {
    const run = await openFixture(name);
    const data = reportData(run);
    expect(data.references).toHaveLength(journalCounts(run.entries).references);
    expect(new Set(data.references.map((r) => `${r.role}:${r.model}`))).toEqual(new Set(["base:base.gguf", "source:max", "source:kind", "source:pick"]));
    const fitness = data.candidates.map((c) => c.fitness);
    expect(data.bestSoFar).toHaveLength(data.candidates.length);
    expect(data.bestSoFar.map((b) => b.fitness)).toEqual(fitness.map((_, i) => Math.max(...fitness.slice(0, i + 1))));
    expect(data.best?.candidate).toBe(data.board.candidates.find((r) => r.pareto && r.heldout)?.id);
    expect(data.timing.sessions).toBe(1);
    expect(data.timing.wallSeconds).toBeGreaterThan(0);
  });

  it("has a parameter dimension per searched value, each with the candidates' recipe values", async () => {
    const run = await openFixture(name);
    const data = reportData(run);
    const counts = journalCounts(run.entries);
    const proposals = new Map(run.entries.flatMap((e) => (e.kind === "candidate-proposed" ? [[e.id as string, e as CandidateProposedEntry] as const] : [])));
    const models = ["max", "kind", "pick"];
    for (const [i, model] of models.entries()) {
      const dim = data.dimensions.find((d) => d.name === `weight.${model}`);
      expect(dim?.kind).toBe("quantitative");
      expect(dim?.points).toHaveLength(counts.withParameter("weight"));
      for (const p of dim?.points ?? []) expect(p.value).toBe(proposals.get(p.id)?.recipe.models?.[i].parameters?.weight);
    }
    const density = data.dimensions.filter((d) => d.name.startsWith("density."));
    expect(density).toHaveLength(counts.withParameter("density") > 0 ? 3 : 0);
    for (const d of density) expect(d.points).toHaveLength(counts.withParameter("density"));
    const method = data.dimensions.find((d) => d.name === "method");
    if (counts.methods > 1 || data.space.methods.length > 1) {
      expect(method?.kind === "nominal" && method.categories).toEqual(["task_arithmetic", "ties", "dare_ties"]);
      expect(method?.points).toHaveLength(counts.scored);
    } else {
      expect(method).toBeUndefined();
    }
  });
});

describe("reportData", () => {
  it("names toy-methods' density only for the methods that take it", async () => {
    const data = reportData(await openFixture("toy-methods"));
    const density = data.dimensions.find((d) => d.name === "density.max");
    const methods = new Set(density?.points.map((p) => p.method));
    expect(methods).toEqual(new Set(["ties", "dare_ties"]));
    expect(density?.kind === "quantitative" && density.domain).toEqual([0.2, 1]);
  });

  it("records toy-timeout's failures with their phase and reason", async () => {
    const data = reportData(await openFixture("toy-timeout"));
    expect(data.failures.length).toBeGreaterThan(0);
    for (const f of data.failures) {
      expect(f.phase).toBe("score");
      expect(f.reason).toMatch(/time limit/);
    }
  });
});
