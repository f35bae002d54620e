import { describe, expect, it } from "vitest";
import { reduceRunView } from "../../src/tui/state/reduce-run-view.js";
import { initialRunView, type RunView } from "../../src/tui/state/run-view.js";
import { bestCandidate, bestPerObjective, convergence, progress } from "../../src/tui/state/run-view-selectors.js";
import { after, asActions, fold, recordedEvents, viewAfter } from "./fixtures/events.js";

describe("reduceRunView over recorded searches", () => {
  it("folds a whole run: references, every candidate once, held-out scores, the end", () => {
    const events = recordedEvents("toy-run");
    const view = viewAfter("toy-run");
    expect(view.runId).toBe("toy-six");
    expect(view.stage).toBe("finished");
    expect(view.finished).toEqual({ reason: "budget", best: "c0002" });
    expect(view.objectives.map((o) => o.task)).toEqual(["toy_max", "toy_kind", "toy_pick"]);
    expect(view.references).toHaveLength(8); // base + 3 sources, validation and test
    expect(view.candidates.map((c) => c.id)).toEqual(["c0001", "c0002", "c0003", "c0004", "c0005", "c0006"]);
    expect(view.done).toBe(6);
    expect(view.activity).toEqual([]);
    expect(view.queued).toEqual([]);
    const heldout = events.filter((e) => e.type === "heldout").map((e) => (e as { id: string }).id);
    expect(view.candidates.filter((c) => c.heldout !== undefined).map((c) => c.id).sort()).toEqual([...heldout].sort());
    for (const e of events) {
      if (e.type !== "scored") continue;
      const c = view.candidates.find((x) => x.id === e.id)!;
      expect(c).toMatchObject({ status: "scored", fitness: e.fitness, tasks: e.tasks, method: e.method, generation: e.generation });
    }
  });

  it("keeps its invariants after every event: one activity per id, done never falls, what finished is not in flight", () => {
    const actions = asActions(recordedEvents("toy-run"));
    let view: RunView = initialRunView;
    for (const action of actions) {
      const next = reduceRunView(view, action);
      expect(next.done).toBeGreaterThanOrEqual(view.done);
      const ids = next.activity.map((a) => `${a.stage}:${a.id}`);
      expect(new Set(ids).size).toBe(ids.length);
      expect(next.activity.length).toBeLessThanOrEqual(2);
      for (const c of next.candidates) expect(next.activity.some((a) => a.stage === "search" && a.id === c.id)).toBe(false);
      expect(new Set(next.candidates.map((c) => c.id)).size).toBe(next.candidates.length);
      view = next;
    }
  });

  it("shows the candidate being scored with its task and item progress, and the one merged ahead", () => {
    const events = recordedEvents("toy-run");
    const n = events.findIndex((e) => e.type === "phase" && e.id === "c0002" && e.phase === "scoring" && e.taskIndex === 1) + 1;
    const view = viewAfter("toy-run", n);
    const scoring = view.activity.find((a) => a.id === "c0002")!;
    expect(scoring).toMatchObject({ stage: "search", phase: "scoring", task: "toy_kind", taskIndex: 1, taskCount: 3, total: 5 });
    expect(view.activity.find((a) => a.id === "c0003")?.phase).toBe("merging");
    expect(view.stage).toBe("search");
  });

  it("follows a real pause: requested, reached (with the candidate merged ahead waiting), resumed", () => {
    const events = recordedEvents("toy-paused");
    const pausedAt = after("toy-paused", (e) => e.type === "paused");
    const secondScored = after("toy-paused", (e) => e.type === "scored" && e.id === "c0002");
    const actions = asActions(events);
    let view = fold(actions.slice(0, secondScored));
    view = reduceRunView(view, { kind: "pause-requested", at: view.at + 1 });
    expect(view.pause).toBe("pausing");
    view = fold(actions.slice(secondScored, pausedAt), view);
    expect(view.pause).toBe("paused");
    expect(view.waiting).toBe("c0003");
    expect(view.pausedSince).toBe(pausedAt * 100);
    const resumed = events.findIndex((e) => e.type === "resumed") + 1;
    view = fold(actions.slice(pausedAt, resumed), view);
    expect(view.pause).toBe("running");
    expect(view.pausedMs).toBe((resumed - pausedAt) * 100);
    view = fold(actions.slice(resumed), view);
    expect(view.candidates).toHaveLength(6);
    expect(view.stage).toBe("finished");
  });

  it("cancels a pause the loop has not reached, and ignores requests once finished", () => {
    const mid = viewAfter("toy-run", 90);
    const paused = reduceRunView(mid, { kind: "pause-requested", at: 1 });
    expect(reduceRunView(paused, { kind: "resume-requested", at: 2 }).pause).toBe("running");
    const done = viewAfter("toy-run");
    expect(reduceRunView(done, { kind: "pause-requested", at: 1 }).pause).toBe("running");
    expect(reduceRunView(done, { kind: "stop-requested", at: 1 }).stopping).toBe(false);
    expect(reduceRunView(mid, { kind: "stop-requested", at: 1 }).stopping).toBe(true);
  });

  it("records a failed candidate and a crashed search", () => {
    const mid = viewAfter("toy-run", after("toy-run", (e) => e.type === "proposed" && e.id === "c0006"));
    const failed = reduceRunView(mid, { kind: "event", event: { type: "failed", id: "c0001", phase: "merge", reason: "worker exited", done: 1 }, at: 5 });
    expect(failed.candidates.at(-1)).toMatchObject({ id: "c0001", status: "failed", failure: { phase: "merge", reason: "worker exited" }, fitness: undefined });
    expect(failed.queued).not.toContain("c0001");
    const crashed = reduceRunView(failed, { kind: "crashed", message: "journal write failed", at: 6 });
    expect(crashed).toMatchObject({ crashed: "journal write failed", stage: "finished", activity: [] });
  });

  it("puts a resumed run's earlier candidates before this session's", () => {
    const view = viewAfter("toy-run", after("toy-run", (e) => e.type === "scored" && e.id === "c0002"));
    const earlier = { ...view.candidates[0], id: "c0000", finishedAt: undefined };
    const merged = reduceRunView(view, { kind: "history", candidates: [earlier, view.candidates[0]], earlierSeconds: 42, at: 1 });
    expect(merged.candidates.map((c) => c.id)).toEqual(["c0000", "c0001", "c0002"]);
    expect(merged.earlierSeconds).toBe(42);
  });
});

describe("run view selectors", () => {
  it("best per objective with its standard error, best fitness, convergence", () => {
    const view = viewAfter("toy-run");
    expect(bestCandidate(view)?.id).toBe("c0002");
    const bests = bestPerObjective(view);
    expect(bests.map((b) => [b.task, b.best?.id, b.best?.score.value])).toEqual([
      ["toy_max", "c0001", 0.6],
      ["toy_kind", "c0002", 0.4],
      ["toy_pick", "c0003", 0.6],
    ]);
    expect(bests[0].best?.score.stderr).toBeCloseTo(0.2449, 4);
    const series = convergence(view);
    expect(series).toHaveLength(6);
    for (let i = 1; i < series.length; i++) expect(series[i]).toBeGreaterThanOrEqual(series[i - 1]);
    expect(series.at(-1)).toBe(1);
  });

  it("measures seconds per candidate without paused time and derives the ETA from the budget left", () => {
    const view = viewAfter("toy-paused", after("toy-paused", (e) => e.type === "scored" && e.id === "c0003"));
    const p = progress(view, view.at);
    const search = view.searchStartedAt!;
    const last = view.candidates.at(-1)!;
    expect(view.pausedMs).toBeGreaterThan(0);
    expect(p.secondsPerCandidate).toBeCloseTo((last.finishedAt! - last.pausedBefore - search) / 1000 / 3, 9);
    expect(p.remainingSeconds).toBeCloseTo(3 * p.secondsPerCandidate!, 9);
    expect(p.fraction).toBeCloseTo(0.5, 9);
  });
});
