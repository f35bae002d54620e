import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { formatDuration } from "./format.js";
import { pullProgress } from "./pull-progress.js";
import {
  createLlamaBackend,
  evaluateIter,
  formatEvalTable,
  ggufForModel,
  loadTask,
  type GgufForModel,
  type OutType,
  type BackendOptions,
  type EvalBackend,
  type EvalEvent,
  type EvalResult,
  type LoadedTask,
} from "../index.js";

export interface EvalCommandArgs {
  model: string;
  tasks: string;
  split: "validation" | "test";
  limit?: number;
  threads: number;
  "kv-cache": "f16" | "f32";
  "context-size"?: number;
  "out-type": OutType;
  json: boolean;
}

/** Where the command writes; a test passes buffers. */
export interface TextOut {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface EvalCommandDeps {
  /** Builds the inference backend. Defaults to createLlamaBackend. */
  readonly createBackend?: (options: BackendOptions) => Promise<EvalBackend>;
  /** Defaults to process.stdout. */
  readonly stdout?: TextOut;
  /** Defaults to process.stderr. */
  readonly stderr?: TextOut;
}

/** How many failure reasons to print per task before summarising the rest. */
const SHOWN_FAILURES = 3;

/**
 * `smelt eval MODEL --tasks a.yaml,b.yaml`: scores a GGUF on lm-eval-style tasks. An HF folder or a
 * Hub reference is converted to a temporary GGUF first (ggufForModel) and deleted afterwards.
 */
export function makeEvalCommand(deps: EvalCommandDeps = {}): CommandModule<object, EvalCommandArgs> {
  return {
    command: "eval <model>",
    describe: "Score a model on lm-eval-style task files (docs/eval-tasks.md): a GGUF, or an HF folder / org/name[@rev] converted to a temporary GGUF",
    builder: (yargs: Argv) =>
      yargs
        .positional("model", { type: "string", demandOption: true, describe: "GGUF file, HF checkpoint folder, or Hugging Face reference org/name[@revision] (pulled into the HF cache)" })
        .option("tasks", { type: "string", demandOption: true, describe: "Comma-separated task YAML files" })
        .option("split", { choices: ["validation", "test"] as const, default: "test" as const, describe: "Which declared split to score" })
        .option("limit", { type: "number", describe: "Score only the first N items of each task" })
        .option("threads", { type: "number", default: 1, describe: "llama.cpp CPU threads (1 is fastest for tiny models)" })
        .option("kv-cache", { choices: ["f16", "f32"] as const, default: "f16" as const, describe: "KV cache type (f32 matches a float64 reference)" })
        .option("context-size", { type: "number", describe: "Tokens per sequence (default: the model's, at most 2048)" })
        .option("out-type", { choices: ["f32", "f16", "bf16", "q8_0"] as const, default: "f16" as const, describe: "Matrix type of the temporary GGUF an HF model is converted to (ignored for a .gguf)" })
        .option("json", { type: "boolean", default: false, describe: "Print one JSON document instead of a table" })
        .example("$0 eval model.gguf --tasks evals/toy-max.yaml", "Score a GGUF on the test split")
        .example("$0 eval Qwen/Qwen2.5-0.5B --tasks my-task.yaml --out-type q8_0", "Pull an HF model, convert it to a temporary Q8_0 GGUF (tmpfs when available), score it, delete the GGUF")
        .epilogue(
          "An HF folder or org/name[@revision] is converted with smelt convert's code (llama, mistral, qwen2, qwen3) to a temporary GGUF, " +
            "in /dev/shm when it exists, deleted after scoring; the output says so. Hub references use HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE / HF_HOME and HF_HUB_OFFLINE as smelt pull does.",
        ) as unknown as Argv<EvalCommandArgs>,
    handler: (args) => runEval(args, deps),
  };
}

export const evalCommand = makeEvalCommand();

async function runEval(args: ArgumentsCamelCase<EvalCommandArgs>, deps: EvalCommandDeps): Promise<void> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const files = args.tasks.split(",").map((f) => f.trim()).filter((f) => f !== "");
  if (files.length === 0) throw new Error("--tasks needs at least one task file");
  const tasks: LoadedTask[] = [];
  for (const file of files) tasks.push(await loadTask(file));

  const backendOptions: BackendOptions = {
    threads: args.threads,
    kvCache: args["kv-cache"] === "f32" ? "F32" : "F16",
    ...(args["context-size"] === undefined ? {} : { contextSize: args["context-size"] }),
  };
  // A .gguf is loaded as it is; anything else is an HF checkpoint (a folder or a Hub reference) to convert.
  let gguf: GgufForModel | undefined;
  if (!args.model.toLowerCase().endsWith(".gguf")) {
    const progress = pullProgress({ json: false, verbose: false, stderr: stderrStream(stderr) });
    gguf = await ggufForModel(args.model, { outType: args["out-type"], hub: { onEvent: progress.onEvent } });
    progress.clear();
    const c = gguf.converted;
    if (c !== undefined) {
      const from = c.hub ? `${c.hub.repo} at commit ${c.hub.commit.slice(0, 12)}` : c.folder;
      stderr.write(`converted ${from} (HF ${c.result.architecture}) to a temporary ${c.outType.toUpperCase()} GGUF in ${formatDuration(c.seconds)}; it is deleted after scoring\n`);
    }
  }
  try {
    await score(args, deps, tasks, backendOptions, gguf, stdout, stderr);
  } finally {
    await gguf?.dispose();
  }
}

async function score(args: ArgumentsCamelCase<EvalCommandArgs>, deps: EvalCommandDeps, tasks: readonly LoadedTask[], backendOptions: BackendOptions, gguf: GgufForModel | undefined, stdout: TextOut, stderr: TextOut): Promise<void> {
  const backend = await (deps.createBackend ?? createLlamaBackend)(backendOptions);
  let result: EvalResult & { readonly converted?: Record<string, unknown> };
  try {
    const model = await backend.loadModel(gguf?.path ?? args.model);
    try {
      result = await drain(evaluateIter(model, tasks, { split: args.split, limit: args.limit, backendOptions }), stderr);
    } finally {
      await model.dispose();
    }
  } finally {
    await backend.dispose();
  }

  const converted = gguf?.converted;
  if (converted !== undefined) {
    // The GGUF scored is a temporary file deleted after this: name the model as given, and say how it was converted.
    const from = { folder: converted.folder, ...(converted.hub && { repo: converted.hub.repo, commit: converted.hub.commit }) };
    result = { ...result, model: args.model, converted: { ...from, outType: converted.outType, seconds: converted.seconds } };
  }
  if (args.json) {
    stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const s = result.settings;
    const how = converted === undefined ? "" : ` (converted to ${converted.outType.toUpperCase()} GGUF${converted.hub ? `, commit ${converted.hub.commit.slice(0, 12)}` : ""})`;
    stdout.write(`${result.model}${how} · split ${s.split}${s.limit ? ` · limit ${s.limit}` : ""} · kv-cache ${s.kvCache} · threads ${s.threads} · context ${s.contextSize}\n`);
    stdout.write(`${formatEvalTable(result)}\n`);
    for (const task of result.tasks) {
      for (const failure of task.failures.slice(0, SHOWN_FAILURES)) stderr.write(`${task.task}: failed ${failure.reason}\n`);
      if (task.failed > SHOWN_FAILURES) stderr.write(`${task.task}: ... and ${task.failed - SHOWN_FAILURES} more failed items (--json lists all)\n`);
      for (const warning of task.warnings) stderr.write(`${task.task}: warning: ${warning}\n`);
    }
  }
  // A task with nothing scored is not a result: make scripts notice.
  if (result.tasks.some((t) => t.items === 0)) process.exitCode = 1;
}

/** Runs the evaluation, drawing a one-line progress display on stderr when it is a terminal. */
async function drain(events: AsyncGenerator<EvalEvent, EvalResult>, stderr: TextOut): Promise<EvalResult> {
  const live = stderr.isTTY === true;
  for (;;) {
    const step = await events.next();
    if (step.done) {
      if (live) stderr.write("\r\x1b[2K");
      return step.value;
    }
    const event = step.value;
    if (!live) continue;
    if (event.type === "progress") stderr.write(`\r\x1b[2K${event.task}: ${event.done}/${event.total}`);
    else if (event.type === "task-start") stderr.write(`\r\x1b[2K${event.task}: 0/${event.total}`);
  }
}

/** pullProgress writes to a stream; the command's stderr may be a test's buffer. */
function stderrStream(out: TextOut): NodeJS.WritableStream {
  return out === process.stderr ? process.stderr : ({ write: (text: string) => out.write(text) } as unknown as NodeJS.WritableStream);
}
