import { basename, resolve } from "node:path";
import type { CommandModule } from "yargs";
import { convertHfToGguf, resolveModel, SmeltError, type OutType } from "../index.js";
import { pullProgress } from "./pull-progress.js";

interface ConvertArgs {
  folder: string;
  output: string;
  "out-type": OutType;
  force: boolean;
  name: string | undefined;
}

export const convertCommand: CommandModule<object, ConvertArgs> = {
  command: "convert <folder>",
  describe: "Convert a Hugging Face checkpoint folder (llama, mistral, qwen2, qwen3) to GGUF, tokenizer included",
  builder: (y) =>
    y
      .positional("folder", { type: "string", demandOption: true, describe: "HF folder (config.json, safetensors single or sharded, tokenizer.json + tokenizer_config.json), or a Hub reference org/name[@revision]" })
      .option("output", { alias: "o", type: "string", demandOption: true, describe: "The .gguf file to write (complete or absent: written under a temporary name)" })
      .option("out-type", { choices: ["f32", "f16", "bf16", "q8_0"] as const, default: "f16" as const, describe: "Storage type of the matrices (norms and biases stay f32)" })
      .option("name", { type: "string", describe: "general.name of the GGUF (default: the folder's name)" })
      .option("force", { type: "boolean", default: false, describe: "Replace OUT if it exists" })
      .example("$0 convert examples/toy/base -o base.gguf", "Convert the toy base model")
      .example("$0 convert ~/models/Qwen2.5-0.5B -o qwen.gguf --out-type q8_0", "A Qwen2.5 checkpoint, matrices in Q8_0")
      .epilog("Supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM with byte-level BPE (Llama 3, Qwen2 pre-tokenizers) or SentencePiece-style byte-fallback tokenizer.json. See docs/convert.md."),
  handler: async (args) => {
    // FOLDER may be a Hub reference (org/name[@rev]): it is pulled into the HF cache first.
    const model = await resolveModel(args.folder, { onEvent: pullProgress({ json: false, verbose: false }).onEvent });
    if (model.adapter !== undefined) throw new SmeltError("usage", `convert takes one model, not base+adapter ("${args.folder}"); merge the adapter first with smelt merge`);
    const name = args.name ?? (model.pulled.base ? basename(model.pulled.base.repo) : undefined);
    const started = performance.now();
    const result = await convertHfToGguf(model.path, { output: resolve(args.output), outType: args["out-type"], force: args.force, ...(name !== undefined && { name }) });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    process.stdout.write(
      `converted ${result.tensors} tensors (${result.architecture} -> GGUF ${result.ggufArchitecture}, ${result.tokenizer} tokenizer) to ${args.output} in ${seconds} s\n`,
    );
  },
};
