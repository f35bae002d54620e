/**
 * Child process of `npm run bench -- eval` (each measurement gets a fresh process, so its peak RSS
 * is its own). `smelt JOB.json`: loads each model with smelt's llama backend, runs the evaluator
 * on its tasks and records the requests it sent; `raw JOB.json`: replays those requests with plain
 * node-llama-cpp (raw-replay.ts). Prints one JSON line (ChildResult).
 */
import { readFile, writeFile } from "node:fs/promises";
import { createLlamaBackend, evaluate, loadTask, type EvalSplit } from "../../src/index.js";
import { rawReplay } from "./raw-replay.js";
import { recordingModel, requestTokens, type RecordedRequest } from "./recording-model.js";

export interface EvalJob {
  readonly runs: readonly { readonly model: string; readonly tasks: readonly string[] }[];
  readonly threads: number;
  readonly contextSize: number;
  readonly split: EvalSplit;
  readonly limit?: number;
  /** Where the smelt run writes the recorded requests, and the raw run reads them. */
  readonly requestsFile: string;
}

export interface ChildResult {
  /** Wall seconds of the evaluation proper (model loading excluded). */
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly loadSeconds: number;
  readonly items: number;
  /** Tokens the requests cover (the same count for both sides). */
  readonly tokens: number;
  /** Tokens llama.cpp actually decoded (smelt only: fewer than `tokens` thanks to prefix reuse). */
  readonly decodedTokens?: number;
  /** Mean of each task's first metric (smelt only), to show the run did real work. */
  readonly scores?: Record<string, number>;
  readonly maxRssBytes: number;
}

async function runSmelt(job: EvalJob): Promise<ChildResult> {
  await using backend = await createLlamaBackend({ threads: job.threads, contextSize: job.contextSize });
  const recorded: { model: string; requests: RecordedRequest[] }[] = [];
  let seconds = 0;
  let cpuSeconds = 0;
  let loadSeconds = 0;
  let items = 0;
  let decodedTokens = 0;
  const scores: Record<string, number> = {};
  for (const run of job.runs) {
    const tasks = await Promise.all(run.tasks.map((t) => loadTask(t)));
    const t0 = performance.now();
    const model = await backend.loadModel(run.model);
    loadSeconds += (performance.now() - t0) / 1000;
    const requests: RecordedRequest[] = [];
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const result = await evaluate(recordingModel(model, requests), tasks, { split: job.split, limit: job.limit });
    const cpu = process.cpuUsage(c1);
    seconds += (performance.now() - t1) / 1000;
    cpuSeconds += (cpu.user + cpu.system) / 1e6;
    // LlamaLoadedModel counts what llama_decode saw; the interface does not promise it, so read it if there.
    decodedTokens += (model as { evaluatedTokens?: number }).evaluatedTokens ?? Number.NaN;
    await model.dispose();
    for (const t of result.tasks) {
      items += t.items;
      scores[t.task] = t.metrics[0]?.value ?? Number.NaN;
    }
    recorded.push({ model: run.model, requests });
  }
  await writeFile(job.requestsFile, JSON.stringify(recorded));
  const tokens = recorded.reduce((s, r) => s + r.requests.reduce((a, q) => a + requestTokens(q), 0), 0);
  return { seconds, cpuSeconds, loadSeconds, items, tokens, decodedTokens, scores, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

async function runRaw(job: EvalJob): Promise<ChildResult> {
  const recorded = JSON.parse(await readFile(job.requestsFile, "utf8")) as { model: string; requests: RecordedRequest[] }[];
  let seconds = 0;
  let cpuSeconds = 0;
  let loadSeconds = 0;
  let tokens = 0;
  for (const r of recorded) {
    const out = await rawReplay(r.model, r.requests, { threads: job.threads, contextSize: job.contextSize });
    seconds += out.seconds;
    cpuSeconds += out.cpuSeconds;
    loadSeconds += out.loadSeconds;
    tokens += out.tokens;
  }
  return { seconds, cpuSeconds, loadSeconds, items: 0, tokens, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

const [mode, jobFile] = process.argv.slice(2);
if ((mode === "smelt" || mode === "raw") && jobFile !== undefined) {
  const job = JSON.parse(await readFile(jobFile, "utf8")) as EvalJob;
  const result = mode === "smelt" ? await runSmelt(job) : await runRaw(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
