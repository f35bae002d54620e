/**
 * `npm run bench -- merge`: merges three synthetic ~1B-parameter bf16 llama-shaped models with
 * linear, task_arithmetic, ties, dare_ties and slerp, on 1 and 2 worker threads, each in a fresh
 * child process so its peak RSS is its own, running the build in dist/ (made first) as users do.
 * The baseline, measured in the same run, is a copy: read every input tensor and write an output
 * of the same size, with no maths (the I/O limit; see
 * bench/merge/child.ts for `copy`, the tighter `copy-blocks` (also a ratio column) and the older,
 * slower `copy-fresh`).
 *
 * Every measurement is repeated (`--repeat 3` rounds by default). Each round runs every baseline
 * and method at every thread count once, in the same order, so slow phases of the box (this VM's
 * disk and memory speed drift by up to 25% within minutes) fall on baseline and methods alike. The
 * table shows each one's median seconds and its spread (min-max); ratios are of medians.
 *
 * Options (after `--`): `--params 1e9` total parameters per model; `--methods linear,ties` and
 * `--threads 1,2` to run a subset; `--repeat N` rounds; `--models DIR` to reuse models generated
 * earlier (kept with `--keep`, which prints their folder).
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSyntheticModel, syntheticLlamaShapes } from "./merge/synthetic-model.js";

const METHODS: Record<string, string> = {
  linear: "merge_method: linear\nmodels:\n  - model: m0\n    parameters: {weight: 0.4}\n  - model: m1\n    parameters: {weight: 0.3}\n  - model: m2\n    parameters: {weight: 0.3}\n",
  task_arithmetic: "merge_method: task_arithmetic\nbase_model: m0\nmodels:\n  - model: m1\n    parameters: {weight: 0.7}\n  - model: m2\n    parameters: {weight: 0.5}\n",
  ties: "merge_method: ties\nbase_model: m0\nmodels:\n  - model: m1\n    parameters: {weight: 0.7, density: 0.5}\n  - model: m2\n    parameters: {weight: 0.5, density: 0.5}\n",
  dare_ties: "merge_method: dare_ties\nbase_model: m0\nseed: 1\nmodels:\n  - model: m1\n    parameters: {weight: 0.7, density: 0.5}\n  - model: m2\n    parameters: {weight: 0.5, density: 0.5}\n",
  slerp: "merge_method: slerp\nbase_model: m0\nmodels:\n  - model: m1\nparameters:\n  t: 0.4\n",
};
const BASELINES = ["copy", "copy-blocks", "copy-fresh"];

interface ChildResult {
  seconds: number;
  inputBytes: number;
  maxRssBytes: number;
  cpuSeconds: number;
  load: number;
}

/** The rounds of one (mode, threads): median seconds, CPU and load; the spread; the largest RSS. */
interface Summary extends ChildResult {
  min: number;
  max: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function summarize(results: readonly ChildResult[]): Summary {
  const seconds = results.map((r) => r.seconds);
  return {
    seconds: median(seconds),
    min: Math.min(...seconds),
    max: Math.max(...seconds),
    cpuSeconds: median(results.map((r) => r.cpuSeconds)),
    load: median(results.map((r) => r.load)),
    inputBytes: results[0].inputBytes,
    maxRssBytes: Math.max(...results.map((r) => r.maxRssBytes)),
  };
}

export default async function main(args: string[]): Promise<void> {
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const params = Number(option("--params") ?? 1e9);
  const methods = option("--methods")?.split(",") ?? Object.keys(METHODS);
  const threadCounts = (option("--threads") ?? "1,2").split(",").map(Number);
  const repeat = Number(option("--repeat") ?? 3);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a whole number of rounds, at least 1 (got ${option("--repeat")})`);
  for (const m of methods) if (!METHODS[m]) throw new Error(`unknown method ${m}; one of ${Object.keys(METHODS).join(", ")}`);
  const reuse = option("--models");
  const dir = reuse ?? (await mkdtemp(join(tmpdir(), "smelt-bench-merge-")));
  try {
    const shapes = syntheticLlamaShapes(params);
    const total = shapes.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
    console.log(`# merge benchmark: 3 models x ${(total / 1e9).toFixed(2)}B parameters (bf16, ${shapes.length} tensors each) in ${dir}`);
    console.log(`# ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${availableParallelism()} cores`);
    if (!reuse) {
      const t0 = performance.now();
      for (let m = 0; m < 3; m++) await generateSyntheticModel(join(dir, `m${m}`), shapes, m + 1);
      console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    for (const [name, yaml] of Object.entries(METHODS)) await writeFile(join(dir, `${name}.yaml`), yaml);
    console.log("");

    // The children run the build (dist/), as users do: build it from the current sources first.
    execFileSync("npm", ["run", "build"], { cwd: fileURLToPath(new URL("..", import.meta.url)), stdio: "ignore" });
    const child = fileURLToPath(new URL("./merge/child.ts", import.meta.url));
    const runChild = (mode: string, threads: number): ChildResult => {
      const load = loadavg()[0];
      const out = execFileSync(process.execPath, ["--import", "tsx", child, mode, dir, String(threads)], { encoding: "utf8", maxBuffer: 1 << 20 });
      return { ...(JSON.parse(out.trim().split("\n").at(-1)!) as Omit<ChildResult, "load">), load };
    };
    // One untimed copy first: every timed run then finds the models in the page cache and the
    // VM's memory already touched once (first touches of guest memory cost several times more).
    runChild("copy", 1);
    // Rounds: every (mode, threads) once per round, in the same order; medians across rounds.
    const modes = [...BASELINES, ...methods];
    const runs = new Map<string, ChildResult[]>();
    const key = (mode: string, threads: number) => `${mode}/${threads}`;
    for (let round = 1; round <= repeat; round++) {
      for (const threads of threadCounts) {
        for (const mode of modes) {
          const r = runChild(mode, threads);
          runs.set(key(mode, threads), [...(runs.get(key(mode, threads)) ?? []), r]);
        }
      }
      console.log(`round ${round}/${repeat} done`);
    }
    const summary = (mode: string, threads: number) => summarize(runs.get(key(mode, threads))!);
    const rows: string[][] = [];
    for (const threads of threadCounts) {
      const copy = summary("copy", threads);
      const blocks = summary("copy-blocks", threads);
      for (const mode of modes) {
        const label = mode === "copy" ? "copy (baseline)" : mode === "copy-blocks" ? "copy-blocks (tightest)" : mode === "copy-fresh" ? "copy-fresh (old baseline)" : mode;
        const one = threadCounts.includes(1) && threads > 1 ? summary(mode, 1).seconds : undefined;
        rows.push(row(label, threads, summary(mode, threads), copy, blocks, one));
      }
    }
    const header = ["method", "threads", "seconds (median)", "min-max", "CPU s", "input GB/s", "peak RSS", "x copy", "x copy-blocks", "speed-up vs 1 thread", "load avg"];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ");
    console.log(line(header));
    console.log(line(widths.map((w) => "-".repeat(w))));
    for (const r of rows) console.log(line(r));
  } finally {
    if (!args.includes("--keep") && !reuse) await rm(dir, { recursive: true, force: true });
  }
}

function row(name: string, threads: number, r: Summary, base: Summary, blocks: Summary, oneThread?: number): string[] {
  return [
    name,
    String(threads),
    r.seconds.toFixed(2),
    `${r.min.toFixed(2)}-${r.max.toFixed(2)}`,
    r.cpuSeconds.toFixed(1),
    (r.inputBytes / r.seconds / 1e9).toFixed(2),
    `${(r.maxRssBytes / 1e9).toFixed(2)} GB`,
    (r.seconds / base.seconds).toFixed(2),
    (r.seconds / blocks.seconds).toFixed(2),
    oneThread !== undefined && threads > 1 ? (oneThread / r.seconds).toFixed(2) : "",
    r.load.toFixed(1),
  ];
}
