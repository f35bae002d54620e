/**
 * Frame tests of every screen at 80x24 with a fixed clock (ink-testing-library): what each shows,
 * that it fits the terminal, and what its keys do.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { parseRecipe } from "../../src/index.js";
import { CandidateScreen } from "../../src/tui/screens/candidate-screen.js";
import { LaunchScreen } from "../../src/tui/screens/launch-screen.js";
import { LeaderboardScreen } from "../../src/tui/screens/leaderboard-screen.js";
import { LiveRunScreen } from "../../src/tui/screens/live-run-screen.js";
import { RunsScreen } from "../../src/tui/screens/runs-screen.js";
import { createLiveRun } from "../../src/tui/session/search-session.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { after, asActions, recordedEvents } from "./fixtures/events.js";
import { makeFinishedRun, makeInterruptedRun, makeStoppedRun } from "./helpers/make-runs.js";
import { expectFits, fakeClock, KEY, renderScreen, settle, SIZE } from "./helpers/render-screen.js";

const path = useTempDir("tui-screens");
const SPACES = fileURLToPath(new URL("../../search-spaces", import.meta.url));

/** A LiveRun fed with the first `n` recorded events, 100 ms apart on the fake clock's timeline. */
function liveAfter(name: "toy-run" | "toy-paused", n: number, clock = fakeClock()) {
  const abort = vi.fn();
  const live = createLiveRun({ now: clock.now, abort });
  for (const action of asActions(recordedEvents(name).slice(0, n), clock.now())) live.store.dispatch(action);
  return { live, abort, clock };
}

function renderLive(live: ReturnType<typeof liveAfter>, extra: { onLeaderboard?: (dir: string) => void; onQuit?: () => void } = {}) {
  return renderScreen(<LiveRunScreen live={live.live} width={SIZE.columns} height={SIZE.rows} title="toy-six.yaml" onLeaderboard={extra.onLeaderboard ?? (() => undefined)} onQuit={extra.onQuit ?? (() => undefined)} />, { clock: live.clock });
}

describe("live run screen", () => {
  it("shows budget, the phase of the candidate being scored, bests with errors, plot, table, convergence, resources, keys", async () => {
    const n = recordedEvents("toy-run").findIndex((e) => e.type === "phase" && e.id === "c0003" && e.phase === "scoring" && e.taskIndex === 1) + 1;
    const live = liveAfter("toy-run", n);
    const r = renderLive(live);
    live.clock.tick(1000);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("cpu 150%"));
    const frame = expectFits(r.lastFrame());
    const lines = frame.split("\n");
    expect(lines[0]).toMatch(/^smelt · run toy-six · toy-six\.yaml +▶ searching$/);
    expect(lines[1]).toMatch(/^budget [█░]+ 2\/6 evals · 33% · [\d.]+s\/cand · ETA [\d.]+s \+ held-out$/);
    expect(lines[2]).toMatch(/^now {3}c0003 scoring toy_kind \(task 2\/3\) [█░]+ 0\/5 items$/);
    expect(frame).toContain("best  fitness 1.000 c0002 · best reference 1.200 pick");
    expect(frame).toContain("max 0.600±0.245 c0001  kind 0.400±0.245 c0002  pick 0.000±0.000 c0001");
    expect(frame).toContain("Pareto · x max · y kind");
    expect(frame).toMatch(/>\*c0002 1\.000 0\.600 0\.400 0\.000/);
    expect(frame).toContain("● front  ◆ selected  B base  1 max  2 kind  3 pick");
    expect(frame).toContain("convergence ▁█ best 1.000 after 2");
    expect(frame).toContain("cpu 150% of 2 cores · rss 300 MB · load 1.50 1.25 1.00");
    expect(lines.at(-1)).toMatch(/^p pause {2}s stop {2}q quit {2}x\/y axes/);
    r.unmount();
  });

  it("says while pausing that the current candidate finishes, then that nothing runs and which merged candidate waits", async () => {
    const events = recordedEvents("toy-paused");
    const live = liveAfter("toy-paused", after("toy-paused", (e) => e.type === "phase" && e.id === "c0002" && e.phase === "scoring"));
    const r = renderLive(live);
    await settle();
    r.stdin.write("p");
    await vi.waitFor(() => expect(r.lastFrame()).toContain("❚❚ pausing"));
    expect(live.live.control.paused).toBe(true);
    let frame = expectFits(r.lastFrame());
    expect(frame.split("\n")[0]).toMatch(/❚❚ pausing$/);
    expect(frame).toContain("PAUSING: c0002 finishes first, then nothing new starts");
    const upTo = after("toy-paused", (e) => e.type === "paused");
    const from = after("toy-paused", (e) => e.type === "phase" && e.id === "c0002" && e.phase === "scoring");
    for (const a of asActions(events.slice(from, upTo), live.clock.now())) live.live.store.dispatch(a);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("❚❚ paused"));
    frame = expectFits(r.lastFrame());
    expect(frame.split("\n")[0]).toMatch(/❚❚ paused$/);
    expect(frame).toContain("now   nothing: paused after c0002");
    expect(frame).toContain("PAUSED: nothing runs; c0003 is merged and waits. p resumes");
    expect(frame.split("\n").at(-1)).toMatch(/^p resume/);
    r.stdin.write("p");
    await vi.waitFor(() => expect(live.live.control.paused).toBe(false));
    r.unmount();
  });

  it("changes the plot's axes, moves the selection, stops gracefully and opens the leaderboard", async () => {
    const live = liveAfter("toy-run", after("toy-run", (e) => e.type === "scored" && e.id === "c0005"));
    const onLeaderboard = vi.fn();
    const onQuit = vi.fn();
    const r = renderLive(live, { onLeaderboard, onQuit });
    await settle();
    r.stdin.write("x");
    await vi.waitFor(() => expect(r.lastFrame()).toContain("Pareto · x pick · y kind"));
    r.stdin.write("y");
    await vi.waitFor(() => expect(r.lastFrame()).toContain("Pareto · x pick · y max"));
    r.stdin.write(KEY.up);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("recent · selected c0001"));
    expect(r.lastFrame()).toMatch(/>\s*c0001/);
    r.stdin.write("b");
    await vi.waitFor(() => expect(r.lastFrame()).toContain("recent · selected c0002"));
    r.stdin.write("s");
    await vi.waitFor(() => expect(r.lastFrame()).toMatch(/■ stopping/));
    expect(live.abort).toHaveBeenCalledTimes(1);
    expectFits(r.lastFrame());
    r.stdin.write("l");
    r.stdin.write("q");
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
    expect(onLeaderboard).toHaveBeenCalledWith("/runs/toy-six");
    r.unmount();
  });

  it("shows the end of the run and a crash", async () => {
    const done = liveAfter("toy-run", recordedEvents("toy-run").length);
    const r = renderLive(done);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("finished (budget)"));
    const frame = expectFits(r.lastFrame());
    expect(frame.split("\n")[0]).toMatch(/■ budget$/);
    expect(frame).toContain("finished (budget) · best c0002");
    expect(frame).toContain("(held-out 1.000)");
    r.unmount();
    const crashed = liveAfter("toy-run", 90);
    crashed.live.store.dispatch({ kind: "crashed", message: "cannot write the journal: ENOSPC", at: crashed.clock.now() });
    const c = renderLive(crashed);
    await vi.waitFor(() => expect(c.lastFrame()).toContain("the search failed"));
    expect(expectFits(c.lastFrame())).toContain("the search failed: cannot write the journal: ENOSPC");
    c.unmount();
  });
});

describe("launch screen", () => {
  it("lists the search spaces, summarises the selected one with an estimate, starts it or resumes the unfinished run", async () => {
    const runsDir = path("launch-runs");
    await makeFinishedRun(runsDir);
    const interrupted = await makeInterruptedRun(runsDir);
    const onStart = vi.fn();
    const onResume = vi.fn();
    const r = renderScreen(<LaunchScreen width={80} height={24} spacesDir={SPACES} runsDir={runsDir} limit={10} onStart={onStart} onResume={onResume} onRuns={() => undefined} onQuit={() => undefined} />);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("optimiser"), { timeout: 10_000 });
    let frame = expectFits(r.lastFrame());
    expect(frame).toMatch(/> toy-demo\.yaml\n {2}toy-hf\.yaml\n {2}toy-methods\.yaml\n {2}toy\.yaml\n {2}\/ type a path…/);
    expect(frame).toContain("models     max, kind, pick · base base.gguf · 1.7 MB each");
    expect(frame).toContain("methods    task_arithmetic (3 dims)");
    expect(frame).toContain("searched   weight per model [0, 1.5]");
    expect(frame).toContain("toy_max exact_match↑ (10 items)");
    expect(frame).toContain("budget     16 evaluations · 3 finalists re-scored on held-out items");
    expect(frame).toContain("optimiser  cma-es · sigma0 1/6 · popsize 7 · seed 1");
    expect(frame).toMatch(/estimate {3}none yet: no earlier run of this space or of same-size models/);
    expect(frame).toContain("unfinished: 20261125-080000-half02 (interrupted, 1 done) · r resumes it");
    await settle();
    r.stdin.write(KEY.down);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("> toy-hf.yaml"), { timeout: 10_000 });
    // An HF-folder space: the size is its safetensors weights (bf16), not the folder entry.
    await vi.waitFor(() => expect(r.lastFrame()).toContain("models     max, kind, pick · base base · 1.7 MB each"), { timeout: 10_000 });
    await settle();
    r.stdin.write(KEY.down);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("ties (6 dims)"), { timeout: 10_000 });
    frame = expectFits(r.lastFrame());
    expect(frame).toContain("optimiser  cma-es · sigma0 0.3 · popsize 9 · seed 1\n           successive halving over methods");
    r.stdin.write(KEY.enter);
    r.stdin.write("r");
    await vi.waitFor(() => expect(onResume).toHaveBeenCalledWith(interrupted));
    expect(onStart).toHaveBeenCalledWith(join(SPACES, "toy-methods.yaml"));
    r.stdin.write("/");
    for (const ch of "nowhere.yaml") r.stdin.write(ch);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("path: nowhere.yaml"));
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("this space cannot be searched"), { timeout: 10_000 });
    expectFits(r.lastFrame());
    r.unmount();
  });
});

describe("runs, leaderboard and candidate screens", () => {
  it("lists runs with their status and opens or resumes one", async () => {
    const runsDir = path("runs-list");
    const finished = await makeFinishedRun(runsDir);
    const interrupted = await makeInterruptedRun(runsDir);
    await makeStoppedRun(runsDir);
    const onOpen = vi.fn();
    const onResume = vi.fn();
    const r = renderScreen(<RunsScreen width={80} height={24} runsDir={runsDir} onOpen={onOpen} onResume={onResume} onBack={() => undefined} onQuit={() => undefined} />);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("half02"));
    const frame = expectFits(r.lastFrame());
    expect(frame).toMatch(/> 20261126-090000-stop03 +stopped +1\/0\/2 +1\.500 c0001/);
    expect(frame).toMatch(/ {2}20261125-080000-half02 +interrupted +1\/0\/1 +1\.500 c0001/);
    expect(frame).toMatch(/ {2}20261124-064500-done01 +finished +4\/1\/0 +1\.600 c0002/);
    await settle();
    r.stdin.write(KEY.down);
    await vi.waitFor(() => expect(r.lastFrame()).toMatch(/> 20261125-080000-half02/));
    r.stdin.write("r");
    await vi.waitFor(() => expect(onResume).toHaveBeenCalledWith(interrupted));
    r.stdin.write(KEY.down);
    await vi.waitFor(() => expect(r.lastFrame()).toMatch(/> 20261124-064500-done01/));
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(onOpen).toHaveBeenCalledWith(finished));
    r.stdin.write("r");
    await vi.waitFor(() => expect(r.lastFrame()).toContain("has finished; nothing to resume"));
    expect(onResume).toHaveBeenCalledTimes(1);
    r.unmount();
  });

  it("ranks the leaderboard, sorts by an objective, exports the selected candidate as a recipe", async () => {
    const runDir = await makeFinishedRun(path("board-runs"));
    const onCandidate = vi.fn();
    const r = renderScreen(<LeaderboardScreen width={80} height={24} runDir={runDir} onCandidate={onCandidate} onBack={() => undefined} onQuit={() => undefined} />);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("c0002"));
    let frame = expectFits(r.lastFrame());
    expect(frame).toMatch(/finished \(budget\)$/m);
    expect(frame).toContain("4 scored · 1 failed · 0 pending · sorted by fitness (o) · * Pareto front");
    expect(frame).toMatch(/> 1\*c0002 +0 dare_ties +1\.600 +1\.500 +0\.800 +0\.700 +0\.100\n +2\*c0005 +1 dare_ties +1\.500 +1\.350/);
    expect(frame).toContain("references: base 0.000 · max 1.000 · kind 1.200 · pick 1.100");
    await settle();
    r.stdin.write("o");
    await vi.waitFor(() => expect(r.lastFrame()).toContain("sorted by max (o)"));
    frame = expectFits(r.lastFrame());
    expect(frame).toMatch(/> 2\*c0005[^\n]*\n +1\*c0002/);
    r.stdin.write(KEY.enter);
    r.stdin.write("e");
    await vi.waitFor(() => expect(r.lastFrame()).toContain("exported c0005 →"));
    expect(onCandidate).toHaveBeenCalledWith("c0005");
    const file = join(runDir, "export-c0005.yaml");
    expect(existsSync(file)).toBe(true);
    const recipe = parseRecipe(readFileSync(file, "utf8"), file);
    expect(recipe.merge_method).toBe("dare_ties");
    expect(recipe.models?.map((m) => m.model)).toEqual(["./expert-a", "./expert-b"]);
    r.unmount();
  });

  it("shows a candidate's scores per task on both splits and its recipe; a failed one's reason", async () => {
    const runDir = await makeFinishedRun(path("detail-runs"));
    const r = renderScreen(<CandidateScreen width={80} height={24} runDir={runDir} id="c0002" onBack={() => undefined} onQuit={() => undefined} />);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("merge_method"));
    const frame = expectFits(r.lastFrame());
    expect(frame).toContain("generation 0 · dare_ties · rank 1 of 4 · on the Pareto front");
    expect(frame).toContain("fitness 1.600 (validation) · held-out 1.500 (test)");
    expect(frame).toMatch(/toy_max +0\.800±0\.100 \(n=20\) +0\.750±0\.100 \(n=20\)/);
    expect(frame).toContain("merge_method: dare_ties");
    await settle();
    r.stdin.write(KEY.down);
    await vi.waitFor(() => expect(r.lastFrame()).not.toContain("merge_method: dare_ties"));
    r.unmount();
    const f = renderScreen(<CandidateScreen width={80} height={24} runDir={runDir} id="c0004" onBack={() => undefined} onQuit={() => undefined} />);
    await vi.waitFor(() => expect(f.lastFrame()).toContain("failure (merge): worker exited with code 1"));
    expect(expectFits(f.lastFrame())).toContain("generation 1 · dare_ties · failed in merge");
    f.unmount();
  });
});
