import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const ENTRY = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));
/** tsx's loader by absolute URL: `--import tsx` would resolve from the child's cwd. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Starts `smelt ARGS` from the sources in a child process (real CLI, real exit codes). */
export function startSmelt(args: readonly string[], cwd: string): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ["--import", TSX, ENTRY, ...args], { cwd, env: { ...process.env, CI: "true" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

/** Runs `smelt ARGS` to completion. */
export function runSmelt(args: readonly string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const child = startSmelt(args, cwd);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output: child.output() })));
}
