/**
 * The real CLI in a pseudo-terminal (tmux, 80x24, CI unset in that shell), on the toy experts:
 * launch a search from the launch screen, watch two candidates finish, pause (nothing new
 * starts), resume, quit gracefully, reopen the run's leaderboard in a new session of the UI,
 * export; then check the exported recipe, the journal and that the terminal is usable again.
 * Also: a crash leaves the terminal usable, and CI=true in a terminal gets plain lines.
 */
import { readFileSync } from "node:fs";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openRun, parseRecipe, replayState, type JournalEntry } from "../../src/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { hasTmux, startTmux, type Tmux } from "./helpers/tmux.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ENTRY = fileURLToPath(new URL("../helpers/cli-entry.ts", import.meta.url));
const CRASH = fileURLToPath(new URL("./fixtures/crash-app.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
/** tsx reads tsconfig.json from the cwd (a temporary folder here): point it at the project's, for its JSX settings. */
const NODE = `TSX_TSCONFIG_PATH=${join(ROOT, "tsconfig.json")} node --import ${TSX}`;
const SMELT = `${NODE} ${ENTRY}`;
const BUDGET = 40;

const path = useTempDir("tui-cli");
const sessions: Tmux[] = [];
afterAll(() => sessions.forEach((t) => t.kill()));

function tmuxIn(cwd: string): Tmux {
  const t = startTmux({ cwd, socket: `smelt-tui-test-${process.pid}-${sessions.length}` });
  sessions.push(t);
  return t;
}

/** search-spaces/toy-tui.yaml: the demo space with absolute paths and a budget that outlasts the test. */
async function writeSpace(dir: string): Promise<void> {
  const text = (await readFile(join(ROOT, "search-spaces/toy-demo.yaml"), "utf8"))
    .replaceAll("../examples/", join(ROOT, "examples") + "/")
    .replaceAll("../evals/", join(ROOT, "evals") + "/")
    .replace("evaluations: 16", `evaluations: ${BUDGET}`);
  await mkdir(join(dir, "search-spaces"), { recursive: true });
  await writeFile(join(dir, "search-spaces/toy-tui.yaml"), text);
}

function journal(runDir: string): JournalEntry[] {
  return readFileSync(join(runDir, "journal.jsonl"), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as JournalEntry);
}

const evals = (screen: string) => Number(new RegExp(`(\\d+)/${BUDGET} evals`).exec(screen)?.[1] ?? -1);
const candidateWork = (entries: readonly JournalEntry[]) => entries.filter((e) => e.kind === "candidate-merged" || e.kind === "candidate-scored" || e.kind === "candidate-failed").length;
/** Prints `STTY: icanon echo` (`-icanon`, `-echo` when off): the terminal's line discipline after the program. */
const STTY = "echo \"STTY: $(stty -a | tr ' ' '\\n' | grep -E '^-?(echo|icanon)$' | tr '\\n' ' ')\"";
/** The STTY line's flags, once it is on the screen. */
const sttyFlags = (screen: string) => /^STTY: (.*)$/m.exec(screen)?.[1].trim().split(/\s+/);

const missingTmux = !hasTmux();
if (missingTmux && !process.env.CI) console.warn("notice: tmux is missing, so the terminal UI's end-to-end test is skipped (apt-get install tmux to run it)");
// Under CI a missing tmux fails (CI installs it) rather than losing the test silently.
describe.skipIf(missingTmux && !process.env.CI)("smelt ui in a real terminal", () => {
  it("has tmux", () => {
    expect(missingTmux, "tmux is missing: CI must install it (apt-get install tmux) for the terminal UI test").toBe(false);
  });

  it("launch, two candidates, pause, resume, quit, leaderboard, export", { timeout: 180_000 }, async () => {
    const dir = path("e2e");
    await writeSpace(dir);
    const t = tmuxIn(dir);
    t.run(`env -u CI ${SMELT} ui --limit 3; echo "EXIT=$?"; ${STTY}`);

    await t.waitFor((s) => s.includes("launch a search") && s.includes("toy-tui.yaml") && s.includes("optimiser"), "the launch screen with the space's summary", 60_000);
    expect(t.modes()).toEqual({ cursor: false, alternate: true });
    t.keys("Enter");
    const live = await t.waitFor((s) => evals(s) >= 2, "two candidates finished", 60_000);
    expect(live).toMatch(/smelt · run \d{8}-\d{6}-[0-9a-f]+ · toy-tui\.yaml/);
    const runs = await readdir(join(dir, "runs"));
    expect(runs).toHaveLength(1);
    const runDir = join(dir, "runs", runs[0]);

    // A resize lays the screen out again: the status badge moves to the new right edge.
    t.resize(100, 30);
    await t.waitFor((s) => /^smelt · run .{20,} ▶ searching$/m.test(s) && s.split("\n")[0].length === 100 && /^p pause/m.test(s), "the layout at 100x30");
    t.resize(80, 24);
    await t.waitFor((s) => s.split("\n")[0].length === 80 && /▶ searching$/m.test(s.split("\n")[0]) && /^p pause/m.test(s), "the layout back at 80x24");

    t.keys("p");
    await t.waitFor((s) => s.includes("❚❚ paused") && s.includes("PAUSED: nothing runs"), "the pause to be reached");
    const atPause = journal(runDir);
    expect(atPause.at(-1)?.kind).toBe("run-paused");
    // Watch for three candidates' worth of time (measured on this run): nothing may start.
    const scoredAt = atPause.filter((e) => e.kind === "candidate-scored").map((e) => Date.parse(e.at));
    const perCandidate = (scoredAt.at(-1)! - scoredAt[0]) / Math.max(1, scoredAt.length - 1);
    const watchUntil = Date.now() + Math.max(1500, 3 * perCandidate);
    while (Date.now() < watchUntil) {
      expect(candidateWork(journal(runDir))).toBe(candidateWork(atPause));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(t.screen()).toContain("❚❚ paused");
    const pausedDone = evals(t.screen());

    t.keys("p");
    await t.waitFor((s) => evals(s) > pausedDone, "a candidate to finish after the resume", 60_000);
    t.keys("q");
    const after = await t.waitFor((s) => sttyFlags(s) !== undefined, "the UI to quit and stty to report", 60_000);
    expect(after).toContain("EXIT=0");
    expect(after).toMatch(/run \S+: stopped after \d+ evaluations/);
    expect(sttyFlags(after)).toEqual(["icanon", "echo"]);
    expect(t.modes()).toEqual({ cursor: true, alternate: false });

    // The journal is consistent (replayState checks every invariant) and records the pause.
    const state = replayState((await openRun(runDir)).entries);
    expect(state.finished?.reason).toBe("stopped");
    expect(state.scored.size + state.failed.size).toBeGreaterThanOrEqual(pausedDone + 1);
    const kinds = journal(runDir).map((e) => e.kind);
    expect(kinds.filter((k) => k === "run-paused")).toHaveLength(1);
    expect(kinds.filter((k) => k === "run-unpaused")).toHaveLength(1);

    // A new session of the UI: the runs list, the run's leaderboard, export the top candidate.
    t.run(`clear; env -u CI ${SMELT} ui --limit 3; echo "EXIT=$?"`);
    await t.waitFor((s) => s.includes("launch a search") && s.includes("optimiser"), "the launch screen again", 60_000);
    t.keys("Tab");
    await t.waitFor((s) => new RegExp(`> ${runs[0]} +stopped `).test(s), "the runs list with the stopped run");
    t.keys("Enter");
    const board = await t.waitFor((s) => s.includes("sorted by fitness"), "the leaderboard");
    const top = /> 1\*?(c\d{4})/.exec(board)?.[1];
    expect(top).toBeDefined();
    t.keys("e");
    const exported = await t.waitFor((s) => s.includes(`exported ${top} →`), "the export");
    expect(exported).toContain(`runs/${runs[0]}/export-${top}.yaml`);
    t.keys("q");
    await t.waitFor((s) => s.includes("EXIT=0"), "the UI to quit");

    const file = join(runDir, `export-${top}.yaml`);
    const text = await readFile(file, "utf8");
    const recipe = parseRecipe(text, file);
    expect(recipe.merge_method).toBe("task_arithmetic");
    expect(recipe.models?.map((m) => m.model.toString().split("/").pop())).toEqual(["expert-max.gguf", "expert-kind.gguf", "expert-pick.gguf"]);
    expect(text).toContain(`candidate ${top}`);
  });

  it("a crash leaves the terminal usable: raw mode off, cursor shown, normal screen with the error", { timeout: 60_000 }, async () => {
    const t = tmuxIn(path(""));
    t.run(`env -u CI ${NODE} ${CRASH}; echo "EXIT=$?"; ${STTY}`);
    await t.waitFor((s) => s.includes("crash-test screen"), "the app's screen");
    const after = await t.waitFor((s) => sttyFlags(s) !== undefined, "the crash", 30_000);
    expect(after).toContain("simulated crash in the search loop");
    expect(after).not.toContain("crash-test screen");
    expect(after).toMatch(/EXIT=[1-9]/);
    expect(sttyFlags(after)).toEqual(["icanon", "echo"]);
    expect(t.modes()).toEqual({ cursor: true, alternate: false });
  });

  it("smelt search: Ctrl-C twice in the TUI quits at once with the terminal and journal intact; with CI set, plain lines", { timeout: 120_000 }, async () => {
    const dir = path("ci");
    await writeSpace(dir);
    const t = tmuxIn(dir);
    // 150 items per task: the candidate in flight at the first Ctrl-C runs for a few seconds, so the
    // second reaches it before the graceful stop ends the run (with 2, and under CI's load with 40,
    // the run sometimes ended first).
    t.run(`env -u CI ${SMELT} search search-spaces/toy-tui.yaml --limit 150 --id ctrl-c; echo "EXIT=$?"; ${STTY}`);
    await t.waitFor((s) => evals(s) >= 1, "the first candidate in the TUI", 60_000);
    t.keys("C-c");
    await t.waitFor((s) => s.includes("■ stopping"), "the graceful stop");
    t.keys("C-c");
    const after = await t.waitFor((s) => sttyFlags(s) !== undefined, "the immediate exit", 30_000);
    expect(after).toContain("EXIT=130");
    expect(after).toContain("smelt search --resume runs/ctrl-c continues");
    expect(sttyFlags(after)).toEqual(["icanon", "echo"]);
    expect(t.modes()).toEqual({ cursor: true, alternate: false });
    const state = replayState((await openRun(join(dir, "runs/ctrl-c"))).entries);
    expect(state.scored.size + state.failed.size).toBeGreaterThanOrEqual(1);

    t.run(`clear; env CI=true ${SMELT} search --resume runs/ctrl-c; echo "EXIT=$?"`);
    const screen = await t.waitFor((s) => /^resuming run ctrl-c in /m.test(s), "the plain reporter's first line", 60_000);
    expect(screen).not.toContain("smelt · run");
    expect(t.modes().alternate).toBe(false);
    t.keys("C-c");
    t.keys("C-c");
    await t.waitFor((s) => /EXIT=\d+/.test(s), "the search to stop", 60_000);
  });
});
