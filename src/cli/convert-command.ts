import { basename, resolve } from "node:path";
import type { CommandModule } from "yargs";
import { convertHfToGguf, resolveModel, SmeltError, type OutType } from "../index.js";
import { pullProgress } from "./pull-progress.js";

interface ConvertArgs {
  folder: string;
  output: string;
  "out-type": OutType;
  force: boolean;
}

export const convertCommand: CommandModule<object, ConvertArgs> = {
  command: "convert <folder>",
  describe: "Convert a Hugging Face llama checkpoint folder to GGUF (byte-level vocabularies; tokenizer.json not yet)",
  builder: (y) =>
    y
      .positional("folder", { type: "string", demandOption: true, describe: "HF folder (config.json + safetensors), or a Hub reference org/name[@revision]" })
      .option("output", { alias: "o", type: "string", demandOption: true, describe: "The .gguf file to write" })
      .option("out-type", { choices: ["f32", "f16", "bf16", "q8_0"] as const, default: "f16" as const, describe: "Storage type of the matrices (norms stay f32)" })
      .option("force", { type: "boolean", default: false, describe: "Replace OUT if it exists" })
      .example("$0 convert examples/toy/base -o base.gguf", "Convert the toy base model"),
  handler: async (args) => {
    // FOLDER may be a Hub reference (org/name[@rev]): it is pulled into the HF cache first.
    const model = await resolveModel(args.folder, { onEvent: pullProgress({ json: false, verbose: false }).onEvent });
    if (model.adapter !== undefined) throw new SmeltError("usage", `convert takes one model, not base+adapter ("${args.folder}"); merge the adapter first with smelt merge`);
    const name = model.pulled.base ? basename(model.pulled.base.repo) : undefined;
    const result = await convertHfToGguf(model.path, { output: resolve(args.output), outType: args["out-type"], force: args.force, ...(name !== undefined && { name }) });
    process.stdout.write(`converted ${result.tensors} tensors (${result.architecture}) to ${args.output}\n`);
  },
};
