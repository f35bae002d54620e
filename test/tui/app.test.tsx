/**
 * The whole app with a scripted search in place of the real loop: navigation, pause and stop
 * reaching the search, quitting only once the current candidate is journaled, a crashed search,
 * and Ctrl-C twice.
 */
import { EventEmitter } from "node:events";
import { render } from "ink";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it, vi } from "vitest";
import type { SearchEvent, SearchOptions, SearchSummary } from "../../src/index.js";
import { SmeltApp, type AppSearch } from "../../src/tui/app.js";
import { startSearchSession, type SearchTarget } from "../../src/tui/session/search-session.js";
import { TuiDepsContext } from "../../src/tui/tui-deps.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { recordedEvents } from "./fixtures/events.js";
import { makeFinishedRun } from "./helpers/make-runs.js";
import { expectFits, fakeClock, fakeResources, KEY, settle } from "./helpers/render-screen.js";

const path = useTempDir("tui-app");
const SPACES = new URL("../../search-spaces", import.meta.url).pathname;

/** A terminal for ink: 80x24, keeps the last frame, accepts keys. */
function terminal() {
  const stdout = Object.assign(new EventEmitter(), { columns: 80, rows: 24, frames: [] as string[], write(s: string) { this.frames.push(s); return true; } });
  const events = new EventEmitter();
  const stdin = Object.assign(events, {
    isTTY: true,
    data: null as string | null,
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read() {
      const d = stdin.data;
      stdin.data = null;
      return d;
    },
    write(d: string) {
      stdin.data = d;
      events.emit("readable");
      events.emit("data", d);
    },
  });
  return { stdout, stdin, lastFrame: () => stripVTControlCharacters(stdout.frames.at(-1) ?? "") };
}

/**
 * A stand-in for searchIter: yields the recorded events, stopping (like the loop) before each
 * candidate after the first `free` while paused, and ending with `finished: stopped` once aborted.
 */
function scriptedSearch(options: { readonly throwAfter?: number; readonly free?: number } = {}) {
  const events = recordedEvents("toy-run");
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  async function* iterate(_target: SearchTarget, o: SearchOptions): AsyncGenerator<SearchEvent, SearchSummary> {
    let scored = 0;
    for (const [i, e] of events.entries()) {
      if (options.throwAfter !== undefined && i === options.throwAfter) throw new Error("merge worker exited with code 1 and the loop gave up");
      if (e.type === "finished") break;
      if (e.type === "scored" && ++scored > (options.free ?? 2)) {
        await gate;
        if (o.signal?.aborted) break;
      }
      yield e;
    }
    yield { type: "finished", reason: o.signal?.aborted ? "stopped" : "budget", runId: "toy-six", dir: "/runs/toy-six", best: "c0002" };
    return { runId: "toy-six", dir: "/runs/toy-six", reason: o.signal?.aborted ? "stopped" : "budget", evaluations: scored, best: "c0002" };
  }
  return { iterate, release: () => release() };
}

function mount(props: { startSearch?: (t: SearchTarget) => AppSearch; runsDir?: string; onForceExit?: () => void }) {
  const term = terminal();
  const clock = fakeClock();
  const instance = render(
    <TuiDepsContext.Provider value={{ clock, sampleResources: fakeResources(), size: { columns: 80, rows: 24 } }}>
      <SmeltApp spacesDir={SPACES} runsDir={props.runsDir ?? path("runs")} limit={5} startSearch={props.startSearch} onForceExit={props.onForceExit ?? (() => undefined)} />
    </TuiDepsContext.Provider>,
    { stdout: term.stdout as never, stdin: term.stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false },
  );
  let exited = false;
  void instance.waitUntilExit().then(() => (exited = true));
  return { ...term, instance, exited: () => exited };
}

describe("the app", () => {
  it("starts a search from the launch screen, pauses it, and quits only after the current candidate", async () => {
    const script = scriptedSearch();
    const sessions: ReturnType<typeof startSearchSession>[] = [];
    const app = mount({
      startSearch: (target) => {
        const s = startSearchSession(target, { iterate: script.iterate, loadHistory: async () => ({ candidates: [], earlierSeconds: 0 }) });
        sessions.push(s);
        return { live: s, done: s.done, title: "toy-demo.yaml" };
      },
    });
    await vi.waitFor(() => expect(app.lastFrame()).toContain("optimiser"), { timeout: 10_000 });
    await settle();
    app.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(app.lastFrame()).toContain("recent · selected c0002"));
    expectFits(app.lastFrame());
    expect(app.lastFrame()).toMatch(/smelt · run toy-six · toy-demo\.yaml/);
    await settle();
    app.stdin.write("p");
    await vi.waitFor(() => expect(app.lastFrame()).toContain("❚❚ pausing"));
    expect(sessions[0].control.paused).toBe(true);
    app.stdin.write("q");
    await vi.waitFor(() => expect(app.lastFrame()).toContain("quitting: the current candidate finishes and is journaled first"));
    expect(app.exited()).toBe(false);
    script.release();
    await vi.waitFor(() => expect(app.exited()).toBe(true));
    expect(await sessions[0].done).toMatchObject({ reason: "stopped" });
  });

  it("shows a crashed search and leaves on q; Ctrl-C twice while a search runs exits at once", async () => {
    const crashing = scriptedSearch({ throwAfter: 100 });
    const app = mount({ startSearch: (t) => { const s = startSearchSession(t, { iterate: crashing.iterate }); return { live: s, done: s.done }; } });
    await vi.waitFor(() => expect(app.lastFrame()).toContain("optimiser"), { timeout: 10_000 });
    await settle();
    app.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(app.lastFrame()).toContain("the search failed: merge worker exited with code 1"));
    expect(expectFits(app.lastFrame()).split("\n")[0]).toMatch(/✖ failed$/);
    await settle();
    app.stdin.write("q");
    await vi.waitFor(() => expect(app.exited()).toBe(true));

    const hanging = scriptedSearch({ free: 1 });
    const onForceExit = vi.fn();
    const second = mount({ onForceExit, startSearch: (t) => { const s = startSearchSession(t, { iterate: hanging.iterate }); return { live: s, done: s.done }; } });
    await vi.waitFor(() => expect(second.lastFrame()).toContain("optimiser"), { timeout: 10_000 });
    await settle();
    second.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(second.lastFrame()).toContain("recent"));
    await settle();
    second.stdin.write(KEY.ctrlC);
    await vi.waitFor(() => expect(second.lastFrame()).toContain("■ stopping"));
    expect(onForceExit).not.toHaveBeenCalled();
    second.stdin.write(KEY.ctrlC);
    await vi.waitFor(() => expect(onForceExit).toHaveBeenCalledTimes(1));
    hanging.release();
    second.instance.unmount();
  });

  it("goes from the runs list to a leaderboard and a candidate, and back", async () => {
    const runsDir = path("nav-runs");
    await makeFinishedRun(runsDir);
    const app = mount({ runsDir });
    await vi.waitFor(() => expect(app.lastFrame()).toContain("runs in"), { timeout: 10_000 });
    await settle();
    app.stdin.write(KEY.tab);
    await vi.waitFor(() => expect(app.lastFrame()).toContain("done01"));
    await settle();
    app.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(app.lastFrame()).toContain("sorted by fitness"));
    await settle();
    app.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(app.lastFrame()).toContain("candidate c0002"));
    expectFits(app.lastFrame());
    await settle();
    app.stdin.write(KEY.escape);
    await vi.waitFor(() => expect(app.lastFrame()).toContain("sorted by fitness"));
    await settle();
    app.stdin.write(KEY.escape);
    await vi.waitFor(() => expect(app.lastFrame()).toContain("ok/fail/todo"));
    await settle();
    app.stdin.write("q");
    await vi.waitFor(() => expect(app.exited()).toBe(true));
  });
});
