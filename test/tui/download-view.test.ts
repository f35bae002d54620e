/** Hub downloads before a run starts: the live view shows the reference, file and bytes, then the run. */
import { describe, expect, it } from "vitest";
import type { SearchEvent } from "../../src/index.js";
import { reduceRunView } from "../../src/tui/state/reduce-run-view.js";
import { initialRunView, type RunView } from "../../src/tui/state/run-view.js";
import { activityLines } from "../../src/tui/screens/live-run-lines.js";

const commit = "0811eefe5e420995e734529b04501df612b207a7";
const download = (pull: Extract<SearchEvent, { type: "download" }>["pull"]): SearchEvent => ({ type: "download", ref: "toy/max", pinned: false, pull });

function fold(events: readonly SearchEvent[]): RunView {
  return events.reduce<RunView>((view, event, i) => reduceRunView(view, { kind: "event", event, at: i }), initialRunView);
}

describe("download events in the live view", () => {
  it("shows the reference being resolved, then the file with its bytes, and clears when pulled", () => {
    const resolved = download({ event: "resolved", repo: "toy/max", revision: "main", commit, files: [{ path: "model.safetensors", size: 2_000_000, cached: false }], fromCache: false });
    let view = fold([resolved]);
    expect(view.download).toEqual({ ref: "toy/max", file: undefined, bytes: 0, size: 0 });
    expect(activityLines(view, 80)[0]).toBe("now   resolving toy/max on the Hub");

    view = fold([resolved, download({ event: "file-start", repo: "toy/max", path: "model.safetensors", size: 2_000_000, resumeFrom: 500_000 })]);
    expect(view.download).toMatchObject({ file: "model.safetensors", bytes: 500_000, size: 2_000_000 });
    view = reduceRunView(view, { kind: "event", event: download({ event: "file-progress", repo: "toy/max", path: "model.safetensors", bytes: 1_500_000, size: 2_000_000, fetchedBytes: 1_000_000, elapsedSeconds: 0.5 }), at: 9 });
    expect(view.download?.bytes).toBe(1_500_000);
    const line = activityLines(view, 80)[0];
    expect(line).toMatch(/^now {3}downloading toy\/max · model\.safetensors /);
    expect(line.length).toBeLessThanOrEqual(80);

    view = reduceRunView(view, { kind: "event", event: download({ event: "pulled", repo: "toy/max", revision: "main", commit, folder: "/cache/x", kind: "model", files: ["model.safetensors"], downloadedBytes: 1_500_000, fromCache: false, seconds: 1 }), at: 10 });
    expect(view.download).toBeUndefined();
    expect(activityLines(view, 80)[0]).toBe("now   opening the run");
  });

  it("a warning keeps the current progress; the run event clears any left over", () => {
    const start = download({ event: "file-start", repo: "toy/max", path: "config.json", size: 510, resumeFrom: 0 });
    const view = fold([start, download({ event: "warning", repo: "toy/max", message: "the Hub is unreachable" })]);
    expect(view.download).toMatchObject({ file: "config.json" });
    const run: SearchEvent = { type: "run", runId: "r", dir: "/runs/r", resumed: false, budget: { evaluations: 4 }, done: 0, objectives: [] };
    expect(reduceRunView(view, { kind: "event", event: run, at: 5 }).download).toBeUndefined();
  });
});
