import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import yargs, { type CommandModule } from "yargs";
import { makeExportCommand } from "../../src/cli/export-command.js";
import { makeLeaderboardCommand } from "../../src/cli/leaderboard-command.js";
import { main } from "../../src/cli/main.js";
import { parseRecipe } from "../../src/recipe/index.js";
import { createRun } from "../../src/store/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { SPACE, heldout, proposed, recipeFor, reference, score, scored } from "./fixtures.js";

const path = useTempDir("store-cli");
let runDir = "";
let otherDir = "";

beforeAll(async () => {
  await using run = await createRun(path("runs"), SPACE, { seed: 1, smeltVersion: "0.1.0", id: "cli-run" });
  await run.append(reference("./base", "base", { arith: score(0.2) }, 0.2));
  await run.append(proposed("007", 0, [0.1, 0.2, 0.3, 0.4]));
  await run.append(proposed("g1-c2", 1, [0.6, 0.7, 0.8, 0.9]));
  await run.append(scored("007", { arith: score(0.4) }, 0.4));
  await run.append(scored("g1-c2", { arith: score(0.7) }, 0.7));
  await run.append(heldout("g1-c2", { arith: score(0.65) }, 0.65));
  await run.append({ kind: "run-finished", reason: "budget" });
  runDir = run.dir;

  // An interrupted run whose only finalist is not its best candidate, ending in a torn line.
  await using other = await createRun(path("runs"), SPACE, { seed: 1, smeltVersion: "0.1.0", id: "torn-run" });
  await other.append(proposed("c0"));
  await other.append(proposed("c1"));
  await other.append(scored("c0", { arith: score(0.5), copy: score(0.7) }, 0.5));
  await other.append(heldout("c0", { arith: score(0.45), copy: score(0.7) }, 0.45));
  await other.append(scored("c1", { arith: score(0.6), copy: score(0.3) }, 0.6));
  otherDir = other.dir;
});

/** Parses argv through yargs with one command whose output goes to a buffer, like main() does. */
type Deps = { stdout: { write(t: string): void }; stderr: { write(t: string): void } };

/** Everything the commands wrote to stderr, across the file. */
let errText = "";

async function cli(command: (deps: Deps) => CommandModule<object, never>, argv: string[]): Promise<string> {
  let out = "";
  const stdout = { write: (t: string) => void (out += t) };
  const stderr = { write: (t: string) => void (errText += t) };
  await yargs(argv)
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .command(command({ stdout, stderr }))
    .parseAsync();
  return out;
}

const leaderboardCli = (argv: string[]) => cli((d) => makeLeaderboardCommand(d) as CommandModule<object, never>, ["leaderboard", ...argv]);
const exportCli = (argv: string[]) => cli((d) => makeExportCommand(d) as CommandModule<object, never>, ["export", ...argv]);

describe("smelt leaderboard", () => {
  it("prints the ranked table", async () => {
    const text = await leaderboardCli([runDir]);
    expect(text).toMatch(/^run cli-run · finished \(budget\) · 2 proposed, 2 scored, 0 failed, 0 pending\n/);
    expect(text).toMatch(/^1\*\s+g1-c2\s+1\s+dare_ties\s+0\.700\s+0\.650\s+0\.700±0\.030\s+0\.650$/m);
    expect(text).toMatch(/^2 \s+007\s+0\s+dare_ties\s+0\.400\s+-\s+0\.400±0\.030\s+-$/m);
    expect(text).toMatch(/\.\/base\s+base\s+validation\s+0\.200/);
  });

  it("prints JSON, sorted and cut with --sort and --top", async () => {
    const board = JSON.parse(await leaderboardCli([runDir, "--json", "--sort", "arith", "--top", "1"])) as { status: string; candidates: { id: string; rank: number }[]; references: unknown[] };
    expect(board.status).toBe("finished");
    expect(board.candidates.map((c) => `${c.rank}:${c.id}`)).toEqual(["1:g1-c2"]);
    expect(board.references).toHaveLength(1);
  });

  it("rejects a bad --top and an unknown --sort task", async () => {
    await expect(leaderboardCli([runDir, "--top", "0"])).rejects.toThrow(/--top takes a positive whole number/);
    await expect(leaderboardCli([runDir, "--sort", "nope"])).rejects.toThrow(/no task "nope" to sort by; this run scored: arith/);
  });
});

describe("smelt export", () => {
  it("writes the default pick, refuses to overwrite without --force, replaces with it", async () => {
    const out = path("best.yaml");
    errText = "";
    expect(await exportCli([runDir, "-o", out])).toBe(`wrote ${out}: candidate g1-c2 of run cli-run (best-pareto-heldout)\n`);
    expect(errText).toBe("");
    const yaml = await readFile(out, "utf8");
    expect(parseRecipe(yaml, out)).toEqual(recipeFor([0.6, 0.7, 0.8, 0.9]));
    await expect(exportCli([runDir, "-o", out, "--candidate", "007"])).rejects.toThrow(/best\.yaml: already exists; pass --force to overwrite it/);
    expect(await readFile(out, "utf8")).toBe(yaml);
    await exportCli([runDir, "-o", out, "--candidate", "007", "--force"]);
    expect(parseRecipe(await readFile(out, "utf8"), out)).toEqual(recipeFor([0.1, 0.2, 0.3, 0.4]));
  });

  it("keeps ids that look like numbers as strings, and writes to stdout with -o -", async () => {
    const yaml = await exportCli([runDir, "--candidate", "007", "-o", "-"]);
    expect(yaml).toMatch(/^# Exported by smelt from run cli-run: candidate 007 /);
  });

  it("lists the valid ids for an unknown candidate", async () => {
    await expect(exportCli([runDir, "--candidate", "g9", "-o", path("x.yaml")])).rejects.toThrow(/no candidate "g9" in this run; candidates: 007, g1-c2/);
  });
});

describe("on an interrupted run", () => {
  it("notes a torn last line and a better candidate without held-out scores on stderr", async () => {
    await appendFile(join(otherDir, "journal.jsonl"), '{"kind":"candidate-pro');
    errText = "";
    expect(await leaderboardCli([otherDir])).toMatch(/^run torn-run · interrupted · 2 proposed, 2 scored/);
    expect(errText).toMatch(/journal\.jsonl ends in a torn line 7 \(a crash mid-write\); it is ignored\n$/);
    errText = "";
    const yaml = await exportCli([otherDir, "-o", "-"]);
    expect(yaml).toMatch(/candidate c0 /);
    expect(errText).toBe("note: c1 has a higher validation fitness (0.6) but no held-out score; export it with --candidate c1\n");
  });
});

describe("through main()", () => {
  afterEach(() => vi.restoreAllMocks());

  it("exits 1 with a clear message for a missing or empty run, 0 on success", async () => {
    const err: string[] = [];
    const out: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((t) => (err.push(String(t)), true));
    vi.spyOn(process.stdout, "write").mockImplementation((t) => (out.push(String(t)), true));
    expect(await main(["leaderboard", path("no-such-run")])).toBe(1);
    expect(err.join("")).toMatch(/smelt: .*no-such-run: not a run folder \(no space\.yaml\)/);
    expect(await main(["export", path("runs"), "-o", path("y.yaml")])).toBe(1);
    expect(err.join("")).toMatch(/runs: not a run folder \(no space\.yaml\): this folder holds runs: pass one of .*runs\/cli-run, .*runs\/torn-run\n/);
    expect(await main(["leaderboard", runDir, "--json"])).toBe(0);
    expect(JSON.parse(out.join("")).runId).toBe("cli-run");
  });
});
