import { resolve } from "node:path";
import type { CommandModule } from "yargs";
import { convertHfToGguf, type OutType } from "../index.js";

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
      .positional("folder", { type: "string", demandOption: true, describe: "HF folder: config.json + safetensors" })
      .option("output", { alias: "o", type: "string", demandOption: true, describe: "The .gguf file to write" })
      .option("out-type", { choices: ["f32", "f16", "bf16", "q8_0"] as const, default: "f16" as const, describe: "Storage type of the matrices (norms stay f32)" })
      .option("force", { type: "boolean", default: false, describe: "Replace OUT if it exists" })
      .example("$0 convert examples/toy/base -o base.gguf", "Convert the toy base model"),
  handler: async (args) => {
    const result = await convertHfToGguf(resolve(args.folder), { output: resolve(args.output), outType: args["out-type"], force: args.force });
    process.stdout.write(`converted ${result.tensors} tensors (${result.architecture}) to ${args.output}\n`);
  },
};
