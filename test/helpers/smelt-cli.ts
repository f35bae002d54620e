import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const ENTRY = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));
/** tsx's loader by absolute URL: `--import tsx` would resolve from the child's cwd. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Starts `smelt ARGS` from the sources in a child process (real CLI, real exit codes); `env` adds variables. */
export function startSmelt(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcess & { output: () => string; stdoutText: () => string } {
  const child = spawn(process.execPath, ["--import", TSX, ENTRY, ...args], { cwd, env: { ...process.env, CI: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let stdout = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out, stdoutText: () => stdout });
}

/** Runs `smelt ARGS` to completion. */
export function runSmelt(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string; stdout: string }> {
  const child = startSmelt(args, cwd, env);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output: child.output(), stdout: child.stdoutText() })));
}
