/**
 * `npm run bench -- search`: where a search's time goes. Runs a short search (one CMA-ES
 * generation of task_arithmetic candidates) through `searchIter` in a child process and splits
 * each candidate's time into merge, write, load and scoring (from the `scored` events), next to
 * the wall time each candidate actually took and the share of that wall time the CPU cores were
 * busy. The loop merges the next candidate while the current one is scored, so a candidate's wall
 * time can be less than the sum of its phases. Two setups:
 *   toy:   examples/toy base + every expert-* (converted to f16 GGUF), the evals/toy-*.yaml tasks;
 *   large: a generated ~0.5B llama-shaped Q8_0 base + 2 "experts" (the base with nudged quants),
 *          a 10-item multiple-choice task written next to them, candidates written as Q8_0.
 * Target: overhead (merge + write + load) under 15% of candidate time for the large trio.
 *
 * Options (after `--`): `--params 5e8`, `--items 10` (large task items), `--toy-limit 50` (items
 * per toy task), `--eval-threads 2` (large; the toy uses 1), `--merge-threads 1`, `--skip-toy`,
 * `--skip-large`, `--keep`.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultPopsize } from "../src/index.js";
import { writeMcTask } from "./eval/mc-task.js";
import { numericOption } from "./eval/numeric-option.js";
import { parameterCount, syntheticLlamaConfig, writeSyntheticLlamaGguf } from "./eval/synthetic-llama-gguf.js";
import { convertToyModels, findToyTasks } from "./eval/toy-models.js";
import type { SearchChildResult, SearchJob } from "./search/child.js";
import { printSearchReport } from "./search/print-search-report.js";
import { writeSearchSpace, type BenchSpace } from "./search/write-search-space.js";

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const child = fileURLToPath(new URL("./search/child.ts", import.meta.url));

async function runSearch(dir: string, name: string, space: BenchSpace, job: Omit<SearchJob, "spacePath" | "runsDir" | "tmpDir">): Promise<SearchChildResult> {
  const spacePath = join(dir, `${name}.space.yaml`);
  await writeSearchSpace(spacePath, space);
  // Candidates go to tmpfs like the CLI's default, in a folder of this benchmark's own.
  const tmpDir = await mkdtemp(join(process.platform === "linux" ? "/dev/shm" : tmpdir(), "smelt-bench-search-"));
  try {
    const jobFile = join(dir, `${name}.job.json`);
    await writeFile(jobFile, JSON.stringify({ ...job, spacePath, runsDir: join(dir, "runs"), tmpDir } satisfies SearchJob));
    const out = execFileSync(process.execPath, ["--import", "tsx", child, jobFile], { encoding: "utf8", maxBuffer: 1 << 22, stdio: ["ignore", "pipe", "inherit"] });
    return JSON.parse(out.trim().split("\n").at(-1)!) as SearchChildResult;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

export default async function main(args: string[]): Promise<void> {
  const params = numericOption(args, "--params", 5e8);
  const items = numericOption(args, "--items", 10);
  const toyLimit = numericOption(args, "--toy-limit", 50);
  const evalThreads = numericOption(args, "--eval-threads", 2);
  const mergeThreads = numericOption(args, "--merge-threads", 1);
  const keep = args.includes("--keep");
  const dir = await mkdtemp(join(tmpdir(), "smelt-bench-search-"));
  console.log(`# search benchmark (node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${availableParallelism()} cores)`);
  try {
    if (!args.includes("--skip-toy")) {
      const tasks = await findToyTasks(repoRoot);
      const models = await convertToyModels(repoRoot, dir);
      const experts = [...models.experts].map(([name, path]) => ({ name, path }));
      const space = { base: models.base, experts, tasks: [...tasks.values()], evaluations: defaultPopsize(experts.length), outType: "f16" as const };
      const r = await runSearch(dir, "toy", space, { evalThreads: 1, mergeThreads, limit: toyLimit });
      printSearchReport(`toy: base + ${experts.length} experts (f16), ${tasks.size} tasks x ${toyLimit} items, eval threads 1, merge threads ${mergeThreads}`, r);
      console.log(`load average now ${loadavg()[0].toFixed(2)}`);
    }
    if (!args.includes("--skip-large")) {
      const config = syntheticLlamaConfig(params);
      const large = join(dir, "large");
      await mkdir(large);
      const t0 = performance.now();
      const base = join(large, "base.gguf");
      await writeSyntheticLlamaGguf(base, config, { seed: 1 });
      const experts = [];
      for (const [i, name] of ["alpha", "beta"].entries()) {
        const path = join(large, `${name}.gguf`);
        await writeSyntheticLlamaGguf(path, config, { seed: 1, variant: 100 + i });
        experts.push({ name, path });
      }
      const task = await writeMcTask(large, "bench_mc", items);
      const size = `${(parameterCount(config) / 1e9).toFixed(2)}B`;
      console.log(`\ngenerated 3 x ${size}-parameter Q8_0 llamas (dim ${config.dim}, ${config.layers} layers, ffn ${config.ffnDim}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const space = { base, experts, tasks: [task], evaluations: defaultPopsize(experts.length), outType: "q8_0" as const };
      const r = await runSearch(dir, "large", space, { evalThreads, mergeThreads });
      printSearchReport(`large: ${size} Q8_0 base + 2 experts, candidates Q8_0, ${items}-item multiple choice, eval threads ${evalThreads}, merge threads ${mergeThreads}`, r);
      console.log(`load average now ${loadavg()[0].toFixed(2)}`);
    }
  } finally {
    if (keep) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}
