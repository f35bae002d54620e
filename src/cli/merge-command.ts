import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { CommandModule } from "yargs";
import { mergeIter, parseRecipe, SmeltError, type MergeEvent, type MergeResult, type OutType } from "../index.js";
import { formatBytes, formatDuration, progressBar } from "./format.js";
import { pullProgress } from "./pull-progress.js";

interface MergeArgs {
  recipe: string;
  output: string;
  format?: "safetensors" | "gguf";
  "out-type"?: OutType;
  threads?: number;
  force: boolean;
  json: boolean;
  "allow-nonfinite": boolean;
  "max-shard-size"?: string;
  "direct-io": boolean;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: "merge <recipe>",
  describe: "Merge models with a mergekit YAML recipe (safetensors or GGUF in and out)",
  builder: (y) =>
    y
      .positional("recipe", { type: "string", demandOption: true, describe: "mergekit-compatible YAML recipe" })
      .option("output", { alias: "o", type: "string", demandOption: true, describe: "Output: an HF folder, or a .gguf file" })
      .option("format", { choices: ["safetensors", "gguf"] as const, describe: "Output format (default: gguf when OUT ends in .gguf, else safetensors)" })
      .option("out-type", { choices: ["f32", "f16", "bf16", "q8_0"] as const, describe: "Output storage type (default: recipe out_dtype/dtype, else the inputs'; f16 for GGUF)" })
      .option("threads", { type: "number", describe: "Worker threads (default: CPU cores; 0 = merge on the main thread)" })
      .option("force", { type: "boolean", default: false, describe: "Replace OUT if it exists (the old one is kept until the new one is complete)" })
      .option("json", { type: "boolean", default: false, describe: "Print progress events (the merge's, and Hub downloads') as JSON lines on stdout" })
      .option("allow-nonfinite", { type: "boolean", default: false, describe: "Warn about NaN/Inf in input tensors instead of refusing them" })
      .option("max-shard-size", { type: "string", describe: "Largest safetensors shard, e.g. 2GB or 500MB (default 5GB)" })
      .option("direct-io", { type: "boolean", default: true, describe: "Write the weights around the page cache (O_DIRECT, where the file system allows it): less CPU, no memory pressure; --no-direct-io leaves OUT in the page cache for a reader that follows at once" })
      .example("$0 merge recipe.yaml -o merged/", "Merge to a Hugging Face folder")
      .example("$0 merge recipe.yaml -o merged.gguf --out-type q8_0", "Merge GGUF models, or HF folders (converted on the fly), into a Q8_0 GGUF"),
  handler: async (args) => {
    const path = resolve(args.recipe);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new SmeltError("input", `cannot read the recipe ${args.recipe}: ${(error as Error).message}`);
    }
    const recipe = parseRecipe(text, args.recipe);
    const events = mergeIter(recipe, {
      output: resolve(args.output),
      format: args.format,
      outType: args["out-type"],
      threads: args.threads,
      force: args.force,
      baseDir: dirname(path),
      allowNonFinite: args["allow-nonfinite"],
      maxShardBytes: args["max-shard-size"] ? parseSize(args["max-shard-size"]) : undefined,
      directIo: args["direct-io"],
      // Hub references in the recipe are pulled into the HF cache first; their progress is shown too.
      hub: { onEvent: pullProgress({ json: args.json, verbose: false }).onEvent },
    });
    const result = await report(events, args.json);
    if (!args.json) {
      process.stdout.write(`merged ${result.tensors} tensors (${formatBytes(result.inputBytes)} read) into ${args.output} (${formatBytes(result.outputBytes)}) in ${formatDuration(result.seconds)}\n`);
    }
  },
};

async function report(events: AsyncGenerator<MergeEvent, MergeResult>, json: boolean): Promise<MergeResult> {
  const tty = !json && process.stderr.isTTY === true && !process.env.CI;
  let total = 0;
  for (;;) {
    const next = await events.next();
    if (next.done) {
      if (tty) process.stderr.write("\r\x1b[K");
      return next.value;
    }
    const e = next.value;
    if (json) {
      process.stdout.write(`${JSON.stringify(e)}\n`);
      continue;
    }
    if (e.event === "start") total = e.inputBytes;
    if (e.event === "warning") process.stderr.write(`${tty ? "\r\x1b[K" : ""}warning: ${e.message}\n`);
    if (e.event === "tensor" && tty) {
      const rate = e.elapsedSeconds > 0 ? e.inputBytesDone / e.elapsedSeconds : 0;
      const eta = rate > 0 ? (total - e.inputBytesDone) / rate : Number.NaN;
      process.stderr.write(`\r\x1b[K${progressBar(e.done, e.total, `${e.done}/${e.total} tensors · ${formatBytes(rate)}/s · ETA ${formatDuration(eta)}`)}`);
    }
  }
}

/** Parses `5GB`, `500MB`, `1.5G` or a plain byte count. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (!m) throw new SmeltError("usage", `--max-shard-size: "${text}" is not a size; write e.g. 2GB, 500MB or 1000000`);
  const scale = { "": 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[m[2].toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Math.round(Number(m[1]) * scale);
}
