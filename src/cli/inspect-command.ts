import type { CommandModule } from "yargs";
import { describeModel, type ModelSummary } from "../index.js";
import { formatBytes, formatCount, table } from "./format.js";
import { pullProgress } from "./pull-progress.js";

interface InspectArgs {
  path: string;
  json: boolean;
}

export const inspectCommand: CommandModule<object, InspectArgs> = {
  command: "inspect <path>",
  describe: "Show a model's format, architecture, parameters, dtypes and layers (GGUF file, .safetensors file, HF folder or Hub reference)",
  builder: (y) =>
    y
      .positional("path", { type: "string", demandOption: true, describe: "GGUF file, .safetensors file, Hugging Face model folder, or Hub reference org/name[@revision] (pulled into the HF cache first)" })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON document instead of tables" })
      .example("$0 inspect examples/toy/base.gguf", "Summarise the bundled toy base model")
      .example("$0 inspect Qwen/Qwen2.5-0.5B", "Summarise a Hub model (downloaded into the HF cache if needed)"),
  handler: async (args) => {
    const progress = pullProgress({ json: false, verbose: false });
    const summary = await describeModel(args.path, { onEvent: progress.onEvent });
    process.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary));
  },
};

export function renderSummary(s: ModelSummary): string {
  const out: string[] = [];
  out.push(`${s.path}`);
  if (s.folder !== undefined) out.push(`  folder        ${s.folder}`);
  out.push(`  format        ${s.format}`);
  out.push(`  architecture  ${s.architecture ?? "unknown"}`);
  out.push(`  parameters    ${formatCount(s.parameters)} (${s.parameters.toLocaleString("en-US")})`);
  out.push(`  tensors       ${s.tensorCount}`);
  out.push(`  data          ${formatBytes(s.bytes)}`);
  for (const [key, value] of Object.entries(s.settings)) out.push(`  ${key.padEnd(13)} ${value}`);
  out.push("");
  out.push(table(["dtype", "tensors", "parameters"], Object.entries(s.dtypes).map(([d, v]) => [d, v.tensors, formatCount(v.parameters)])));
  if (s.layers.length > 0) {
    out.push("");
    out.push(table(["layer", "tensors", "parameters", "dtypes"], s.layers.map((l) => [l.index, l.tensors, formatCount(l.parameters), l.dtypes.join(",")])));
  }
  if (s.other.length > 0) {
    out.push("");
    out.push(table(["outside layers", "shape", "dtype"], s.other.map((t) => [t.name, `[${t.shape.join(", ")}]`, t.dtype])));
  }
  return `${out.join("\n")}\n`;
}
