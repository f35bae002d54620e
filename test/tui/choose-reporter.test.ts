/**
 * The reporter registry's choice: the TUI only on an interactive terminal outside CI, plain lines
 * otherwise (and always with --plain), JSON lines when asked. Checked as a function and through
 * the real CLI with stdout a pipe (tui-cli.test.ts covers CI=true inside a terminal).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { chooseReporter, isCi } from "../../src/cli/search-reporters.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinySearchSpace } from "../search/tiny-space.js";

const ENTRY = fileURLToPath(new URL("../helpers/cli-entry.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const path = useTempDir("choose-reporter");

const tty = { stdoutIsTTY: true, stdinIsTTY: true, env: {} };

describe("chooseReporter", () => {
  it("takes the TUI on an interactive terminal outside CI, plain lines elsewhere", () => {
    expect(chooseReporter({ ...tty, requested: undefined, plain: false })).toBe("tui");
    expect(chooseReporter({ ...tty, requested: undefined, plain: false, env: { CI: "true" } })).toBe("plain");
    expect(chooseReporter({ ...tty, requested: "tui", plain: false, env: { CI: "1" } })).toBe("plain");
    expect(chooseReporter({ ...tty, requested: "tui", plain: false, stdoutIsTTY: false })).toBe("plain");
    expect(chooseReporter({ ...tty, requested: undefined, plain: false, stdinIsTTY: false })).toBe("plain");
    expect(chooseReporter({ ...tty, requested: "tui", plain: true })).toBe("plain");
    expect(chooseReporter({ ...tty, requested: "jsonl", plain: false, env: { CI: "true" } })).toBe("jsonl");
    expect(chooseReporter({ ...tty, requested: "plain", plain: false })).toBe("plain");
  });

  it("reads CI as ink does", () => {
    expect(isCi({ CI: "true" })).toBe(true);
    expect(isCi({ CI: "" })).toBe(true);
    expect(isCi({ CONTINUOUS_INTEGRATION: "yes" })).toBe(true);
    expect(isCi({ CI: "false" })).toBe(false);
    expect(isCi({ CI: "0" })).toBe(false);
    expect(isCi({})).toBe(false);
  });
});

/** Runs smelt with stdout a pipe and CI unset; resolves with its first output line (killing it there when `kill`). */
function firstLine(args: string[], cwd: string, kill = false): Promise<{ line: string; code: number | null }> {
  const { CI: _ci, CONTINUOUS_INTEGRATION: _c, ...env } = process.env;
  const child = spawn(process.execPath, ["--import", TSX, ENTRY, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (kill && out.includes("\n") && child.exitCode === null) child.kill("SIGKILL");
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) => resolve({ line: out.split("\n")[0], code }));
  });
}

describe("the CLI with stdout not a terminal", () => {
  it("prints plain lines even when the TUI is asked for", { timeout: 60_000 }, async () => {
    await writeTinySearchSpace(path, { file: "space.yaml", budget: 2, methods: "ties", seed: 1, modelSeed: 11 });
    const cwd = path("");
    const search = await firstLine(["search", "space.yaml", "--reporter", "tui", "--limit", "2"], cwd, true);
    expect(search.line).toMatch(/^starting run \S+ in .*; budget 2 evaluations$/);
  });

  it("keeps smelt alone a usage error and refuses smelt ui (in this process: vitest's stdout is a pipe)", async () => {
    expect(process.stdout.isTTY).not.toBe(true);
    const errors: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((text) => errors.push(String(text)) > 0);
    try {
      expect(await main([])).toBe(2);
      expect(await main(["ui"])).toBe(1);
    } finally {
      write.mockRestore();
    }
    expect(errors.join("")).toMatch(/^smelt: Pick a command: smelt --help lists them\.\n/);
    expect(errors.join("")).toMatch(/smelt: smelt ui needs an interactive terminal \(stdin and stdout a TTY, CI unset\)/);
  });
});
