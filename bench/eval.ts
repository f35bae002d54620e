/**
 * `npm run bench -- eval`: evaluator throughput against raw llama.cpp decoding of the same tokens,
 * measured in the same run. Two workloads: the toy tasks (evals/toy-*.yaml) on the toy experts
 * (examples/toy, converted to GGUF; each task on its own expert, threads 1), and a synthetic
 * multiple-choice task on a generated ~0.5B-parameter llama-shaped Q8_0 model (threads 2).
 *
 * Each side runs in a fresh child process (its peak RSS is its own), alternating smelt / raw, and
 * the best of `--repeat` runs counts (the box is shared: the best run is the least disturbed).
 * smelt's evaluator records the requests it sends; the raw side (bench/eval/raw-replay.ts) replays
 * the same token sequences with plain node-llama-cpp: one sequence, no prefix reuse, no batching
 * across items. Ratio = smelt tokens/s / raw tokens/s over the same tokens (target >= 0.9).
 *
 * Options (after `--`): `--params 5e8` size of the generated model, `--items 20` its task's items,
 * `--threads 2` its llama.cpp threads, `--repeat 3` runs per side for the toy workload,
 * `--large-repeat 1` for the generated model, `--skip-toy`, `--skip-large`, `--keep` keeps the temp folder.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildResult, EvalJob } from "./eval/child.js";
import { writeMcTask } from "./eval/mc-task.js";
import { numericOption } from "./eval/numeric-option.js";
import { parameterCount, syntheticLlamaConfig, writeSyntheticLlamaGguf } from "./eval/synthetic-llama-gguf.js";
import { convertToyModels, findToyTasks } from "./eval/toy-models.js";

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const child = fileURLToPath(new URL("./eval/child.ts", import.meta.url));

function runChild(mode: "smelt" | "raw", jobFile: string): ChildResult {
  const out = execFileSync(process.execPath, ["--import", "tsx", child, mode, jobFile], { encoding: "utf8", maxBuffer: 1 << 22, stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.trim().split("\n").at(-1)!) as ChildResult;
}

interface Measured {
  readonly smelt: ChildResult;
  readonly raw: ChildResult;
  readonly smeltRuns: number[];
  readonly rawRuns: number[];
}

/** Alternates smelt and raw runs `repeat` times; keeps each side's fastest run. */
async function measure(dir: string, name: string, job: Omit<EvalJob, "requestsFile">, repeat: number): Promise<Measured> {
  const jobFile = join(dir, `${name}.job.json`);
  await writeFile(jobFile, JSON.stringify({ ...job, requestsFile: join(dir, `${name}.requests.json`) } satisfies EvalJob));
  const smeltRuns: ChildResult[] = [];
  const rawRuns: ChildResult[] = [];
  for (let i = 0; i < repeat; i++) {
    smeltRuns.push(runChild("smelt", jobFile)); // also (re)writes the requests the raw side replays
    rawRuns.push(runChild("raw", jobFile));
  }
  const best = (runs: ChildResult[]) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { smelt: best(smeltRuns), raw: best(rawRuns), smeltRuns: smeltRuns.map((r) => r.seconds), rawRuns: rawRuns.map((r) => r.seconds) };
}

function report(label: string, m: Measured): void {
  const { smelt, raw } = m;
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const runs = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" / ");
  /** Three significant digits: the generated model's items/s are well below 1 on a loaded box. */
  const rate = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
  console.log(`\n## ${label}`);
  console.log("| side | items/s | tokens/s | tokens | decoded | eval s (runs) | CPU s | load s | peak RSS |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  console.log(`| smelt evaluator | ${rate(smelt.items / smelt.seconds)} | ${rate(smelt.tokens / smelt.seconds)} | ${smelt.tokens} | ${smelt.decodedTokens ?? "?"} | ${smelt.seconds.toFixed(2)} (${runs(m.smeltRuns)}) | ${smelt.cpuSeconds.toFixed(2)} | ${smelt.loadSeconds.toFixed(2)} | ${mb(smelt.maxRssBytes)} |`);
  console.log(`| raw node-llama-cpp, same tokens | ${rate(smelt.items / raw.seconds)} | ${rate(raw.tokens / raw.seconds)} | ${raw.tokens} | ${raw.tokens} | ${raw.seconds.toFixed(2)} (${runs(m.rawRuns)}) | ${raw.cpuSeconds.toFixed(2)} | ${raw.loadSeconds.toFixed(2)} | ${mb(raw.maxRssBytes)} |`);
  const ratio = smelt.tokens / smelt.seconds / (raw.tokens / raw.seconds);
  const cpuRatio = raw.cpuSeconds / smelt.cpuSeconds;
  console.log(`ratio smelt/raw tokens/s: ${ratio.toFixed(2)} (wall, best runs; target >= 0.9), ${cpuRatio.toFixed(2)} per CPU-second`);
  const decoded = smelt.decodedTokens ?? Number.NaN;
  console.log(`per token llama.cpp actually decoded: smelt ${rate(decoded / smelt.seconds)}/s (prefix reuse skipped ${(100 * (1 - decoded / smelt.tokens)).toFixed(0)}% of the tokens), raw ${rate(raw.tokens / raw.seconds)}/s`);
  console.log(`scores: ${Object.entries(smelt.scores ?? {}).map(([t, v]) => `${t} ${v.toFixed(3)}`).join(", ")}`);
}

export default async function main(args: string[]): Promise<void> {
  const repeat = numericOption(args, "--repeat", 3);
  const largeRepeat = numericOption(args, "--large-repeat", 1);
  const threads = numericOption(args, "--threads", 2);
  const params = numericOption(args, "--params", 5e8);
  const items = numericOption(args, "--items", 20);
  const keep = args.includes("--keep");
  const dir = await mkdtemp(join(tmpdir(), "smelt-bench-eval-"));
  console.log(`# eval benchmark (node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${availableParallelism()} cores)`);
  try {
    if (!args.includes("--skip-toy")) {
      const tasks = await findToyTasks(repoRoot);
      const models = await convertToyModels(repoRoot, dir);
      // Each task on the expert trained for it (the realistic case); the base when none matches.
      const runs = [...tasks].map(([skill, task]) => ({ model: models.experts.get(skill) ?? models.base, tasks: [task] }));
      const m = await measure(dir, "toy", { runs, threads: 1, contextSize: models.contextLength, split: "validation" }, repeat);
      report(`toy tasks (${[...tasks.keys()].join(", ")}; validation splits) on the toy experts, f16, threads 1, context ${models.contextLength}, best of ${repeat}`, m);
      console.log(`load average now ${loadavg()[0].toFixed(2)}`);
    }
    if (!args.includes("--skip-large")) {
      const config = syntheticLlamaConfig(params);
      const model = join(dir, "synthetic-q8_0.gguf");
      const t0 = performance.now();
      await writeSyntheticLlamaGguf(model, config, { seed: 1 });
      const task = await writeMcTask(dir, "bench_mc", items);
      const shape = `dim ${config.dim}, ${config.layers} layers, ffn ${config.ffnDim}, ${config.heads} heads, vocab ${config.vocabSize}`;
      console.log(`\ngenerated a ${(parameterCount(config) / 1e9).toFixed(2)}B-parameter Q8_0 llama (${shape}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const m = await measure(dir, "large", { runs: [{ model, tasks: [task] }], threads, contextSize: 512, split: "validation" }, largeRepeat);
      report(`${items}-item multiple choice (4 choices) on the generated ${(parameterCount(config) / 1e9).toFixed(2)}B Q8_0 model, threads ${threads}, context 512, best of ${largeRepeat}`, m);
      console.log(`load average now ${loadavg()[0].toFixed(2)}`);
    }
  } finally {
    if (keep) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}
