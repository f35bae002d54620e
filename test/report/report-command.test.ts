import { appendFile, mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { runSmelt } from "../helpers/smelt-cli.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { copyFixture } from "./fixtures.js";

const path = useTempDir("report-cli");

describe("smelt report (spawned CLI)", () => {
  it("writes runs/<id>/report.html, then refuses to overwrite it without --force", async () => {
    const dir = await copyFixture("toy-demo", path("runs/toy-demo"));
    const output = join(dir, "report.html");
    const first = await runSmelt(["report", dir], path("."));
    expect(first.output).toMatch(new RegExp(`^wrote ${output}: report of run toy-demo \\(finished\\), \\d+ KB in [\\d.]+ s\\n$`));
    expect(first.code).toBe(0);
    const html = await readFile(output, "utf8");
    expect(html).toMatch(/^<!doctype html>\n[\s\S]*<title>smelt report · toy-demo<\/title>[\s\S]*<\/html>\n$/);
    expect((await readdir(dir)).sort()).toEqual(["journal.jsonl", "report.html", "space.yaml"]);

    const before = await stat(output);
    const again = await runSmelt(["report", dir], path("."));
    expect(again.code).toBe(1);
    expect(again.output).toBe(`smelt: ${output}: already exists; pass --force to overwrite it\n`);
    expect((await stat(output)).mtimeMs).toBe(before.mtimeMs);
    expect(await readFile(output, "utf8")).toBe(html);
  });
});

describe("smelt report errors (through main)", () => {
  afterEach(() => vi.restoreAllMocks());

  async function run(args: string[]): Promise<{ code: number; err: string; out: string }> {
    const err: string[] = [];
    const out: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((t) => (err.push(String(t)), true));
    vi.spyOn(process.stdout, "write").mockImplementation((t) => (out.push(String(t)), true));
    const code = await main(args);
    vi.restoreAllMocks();
    return { code, err: err.join(""), out: out.join("") };
  }

  it("replaces an existing output with --force, and writes where -o says", async () => {
    const dir = await copyFixture("toy-timeout", path("forced"));
    const output = path("forced.html");
    await writeFile(output, "old");
    expect(await run(["report", dir, "-o", output])).toMatchObject({ code: 1, err: `smelt: ${output}: already exists; pass --force to overwrite it\n` });
    expect(await readFile(output, "utf8")).toBe("old");
    const forced = await run(["report", dir, "-o", output, "--force"]);
    expect(forced).toMatchObject({ code: 0, err: "" });
    expect(forced.out).toMatch(new RegExp(`^wrote ${output}: report of run toy-timeout \\(finished\\)`));
    expect(await readFile(output, "utf8")).toMatch(/^<!doctype html>/);
    expect((await readdir(dir)).sort()).toEqual(["journal.jsonl", "space.yaml"]);
  });

  it("explains a missing, empty or corrupt run folder and writes nothing", async () => {
    expect(await run(["report", path("nope")])).toMatchObject({ code: 1, err: expect.stringMatching(/nope: not a run folder \(no space\.yaml\)/) });

    await mkdir(path("empty"));
    expect(await run(["report", path("empty")])).toMatchObject({ code: 1, err: expect.stringMatching(/empty: not a run folder/) });

    const blank = await copyFixture("toy-demo", path("blank"));
    await writeFile(join(blank, "journal.jsonl"), "");
    expect(await run(["report", blank])).toMatchObject({ code: 1, err: expect.stringMatching(/journal\.jsonl: the journal is empty/) });

    const corrupt = await copyFixture("toy-demo", path("corrupt"));
    const lines = (await readFile(join(corrupt, "journal.jsonl"), "utf8")).split("\n");
    lines[2] = "{not json";
    await writeFile(join(corrupt, "journal.jsonl"), lines.join("\n"));
    expect(await run(["report", corrupt])).toMatchObject({ code: 1, err: expect.stringMatching(/journal\.jsonl:3: journal line 3 is not valid JSON/) });

    for (const d of [blank, corrupt]) expect((await readdir(d)).sort()).toEqual(["journal.jsonl", "space.yaml"]);
  });

  it("reports a run whose journal ends in a torn line, and says so", async () => {
    const dir = await copyFixture("toy-demo", path("torn"));
    await appendFile(join(dir, "journal.jsonl"), '{"seq":66,"kind":"candidate-pro');
    const result = await run(["report", dir]);
    expect(result).toMatchObject({ code: 0, err: expect.stringMatching(/journal\.jsonl ends in a torn line 66 \(a crash mid-write\); it is ignored\n$/) });
    expect(await readFile(join(dir, "report.html"), "utf8")).toContain("The journal ends in a torn line 66 (a crash mid-write); it is ignored.");
  });

  it("refuses an output folder that does not exist, leaving nothing behind", async () => {
    const dir = await copyFixture("toy-demo", path("out-missing"));
    const result = await run(["report", dir, "-o", path("no/such/dir/report.html")]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/report\.html: could not write: ENOENT/);
  });
});
