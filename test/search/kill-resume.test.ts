/**
 * Crash safety through the real CLI: `smelt search` is killed with SIGKILL at random moments and
 * resumed each time. The final journal must hold every evaluation exactly once, and the search
 * must be the one an uninterrupted run performs (same candidates, same scores).
 */
import { existsSync, readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { openRun, replayState } from "../../src/store/index.js";
import { runSmelt, startSmelt } from "../helpers/smelt-cli.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { seededRandom } from "../helpers/seeded-random.js";
import { writeTinySearchSpace } from "./tiny-space.js";

const path = useTempDir("kill-resume");
const BUDGET = 24;
const KILLS = 10;

function journalLines(runDir: string): number {
  try {
    return readFileSync(`${runDir}/journal.jsonl`, "utf8").split("\n").length - 1;
  } catch {
    return 0;
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

describe("SIGKILL at random moments", () => {
  it(`resumes ${KILLS} times without losing or repeating an evaluation`, { timeout: 600_000 }, async () => {
    await writeTinySearchSpace(path, { file: "space.yaml", budget: BUDGET, methods: "task_arithmetic, dare_ties", seed: 5, modelSeed: 90 });
    const cwd = path("");
    const reference = await runSmelt(["search", "space.yaml", "--id", "reference", "--limit", "8"], cwd);
    expect(reference.code, reference.output).toBe(0);

    const random = seededRandom(2026);
    const runDir = path("runs/killed");
    let kills = 0;
    let finished = false;
    for (let attempt = 0; attempt < 40 && !finished; attempt++) {
      const args = existsSync(`${runDir}/journal.jsonl`) ? ["search", "--resume", runDir, "--limit", "8"] : ["search", "space.yaml", "--id", "killed", "--limit", "8"];
      const child = startSmelt(args, cwd);
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      if (kills < KILLS) {
        // Kill at a random moment once this session has opened the run (references, merges,
        // scoring, journal appends and held-out re-scoring all get hit over ten kills).
        // The moment is "after 1-6 more journal lines, plus 0-40 ms": kills land between appends,
        // in the middle of merges and of scoring alike, and each session makes little progress.
        await waitFor(() => /(starting|resuming) run/.test(child.output()) || child.exitCode !== null);
        const target = journalLines(runDir) + random.int(1, 6);
        const extra = random.next() * 40;
        let stop = false;
        void (async () => {
          await waitFor(() => stop || journalLines(runDir) >= target || child.exitCode !== null);
          await new Promise((r) => setTimeout(r, extra));
          if (!stop) child.kill("SIGKILL");
        })();
        const code = await exited;
        stop = true;
        if (code === null) kills++;
        else if (code === 0) finished = true;
        else throw new Error(`smelt exited with ${code}:\n${child.output()}`);
      } else {
        const code = await exited;
        expect(code, child.output()).toBe(0);
        finished = true;
      }
    }
    expect(kills).toBe(KILLS);
    expect(finished).toBe(true);

    // replayState throws if any candidate was proposed, scored or held-out scored twice.
    const killed = replayState((await openRun(runDir)).entries);
    const full = replayState((await openRun(path("runs/reference"))).entries);
    expect(killed.scored.size + killed.failed.size).toBe(BUDGET);
    expect([...killed.proposed.values()].map((p) => [p.id, p.method, p.x])).toEqual([...full.proposed.values()].map((p) => [p.id, p.method, p.x]));
    expect([...killed.scored.values()].map((s) => [s.id, s.fitness])).toEqual([...full.scored.values()].map((s) => [s.id, s.fitness]));
    expect(killed.finished?.reason).toBe("budget");
    expect((await readdir(path("runs"))).sort()).toEqual(["killed", "reference"]);
  });
});
