import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import {
  createLlamaBackend,
  evaluateIter,
  formatEvalTable,
  loadTask,
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

/** `smelt eval MODEL --tasks a.yaml,b.yaml`: scores one GGUF on lm-eval-style tasks. */
export function makeEvalCommand(deps: EvalCommandDeps = {}): CommandModule<object, EvalCommandArgs> {
  return {
    command: "eval <model>",
    describe: "Score a GGUF model on lm-eval-style task files (docs/eval-tasks.md)",
    builder: (yargs: Argv) =>
      yargs
        .positional("model", { type: "string", demandOption: true, describe: "GGUF file to evaluate" })
        .option("tasks", { type: "string", demandOption: true, describe: "Comma-separated task YAML files" })
        .option("split", { choices: ["validation", "test"] as const, default: "test" as const, describe: "Which declared split to score" })
        .option("limit", { type: "number", describe: "Score only the first N items of each task" })
        .option("threads", { type: "number", default: 1, describe: "llama.cpp CPU threads (1 is fastest for tiny models)" })
        .option("kv-cache", { choices: ["f16", "f32"] as const, default: "f16" as const, describe: "KV cache type (f32 matches a float64 reference)" })
        .option("context-size", { type: "number", describe: "Tokens per sequence (default: the model's, at most 2048)" })
        .option("json", { type: "boolean", default: false, describe: "Print one JSON document instead of a table" }) as unknown as Argv<EvalCommandArgs>,
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
  const backend = await (deps.createBackend ?? createLlamaBackend)(backendOptions);
  let result: EvalResult;
  try {
    const model = await backend.loadModel(args.model);
    try {
      result = await drain(evaluateIter(model, tasks, { split: args.split, limit: args.limit, backendOptions }), stderr);
    } finally {
      await model.dispose();
    }
  } finally {
    await backend.dispose();
  }

  if (args.json) {
    stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const s = result.settings;
    stdout.write(`${result.model} · split ${s.split}${s.limit ? ` · limit ${s.limit}` : ""} · kv-cache ${s.kvCache} · threads ${s.threads} · context ${s.contextSize}\n`);
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
