import type { CommandModule } from "yargs";
import { parseHubRef, pull, type HubModelRef, type PullResult } from "../index.js";
import { formatBytes, formatDuration } from "./format.js";
import { pullProgress } from "./pull-progress.js";

interface PullArgs {
  refs: string[];
  json: boolean;
}

export const pullCommand: CommandModule<object, PullArgs> = {
  command: "pull <refs..>",
  describe: "Download Hugging Face models (org/name or org/name@revision) into the shared HF cache; prints each snapshot folder",
  builder: (y) =>
    y
      .positional("refs", { type: "string", array: true, demandOption: true, describe: "Hub references: org/name, org/name@branch|tag|commit, or base+adapter" })
      .option("json", { type: "boolean", default: false, describe: "Print progress events as JSON lines on stdout (the last one of each reference holds its folder)" })
      .example("$0 pull Qwen/Qwen2.5-0.5B", "Fetch the weights, config and tokenizer files of a model")
      .example("$0 pull org/model@v1.0 org/adapter", "Several references, one after the other")
      .epilogue(
        "Only what a merge needs is fetched: safetensors weights (single file, or the index and its shards), config.json, " +
          "tokenizer and generation config files, or a PEFT adapter's adapter_config.json + adapter_model.safetensors. " +
          "Pickle-only repositories are refused. Files go into the cache Python's huggingface_hub uses, so either tool reuses " +
          "the other's downloads; every file is checked against its sha256 (LFS) or git hash, and an interrupted download resumes.\n\n" +
          "Environment (as huggingface_hub): HF_ENDPOINT (default https://huggingface.co), HF_TOKEN (or the token file of " +
          "`hf auth login`), HF_HUB_CACHE / HF_HOME (default ~/.cache/huggingface/hub), HF_HUB_OFFLINE=1 (cache only).",
      ),
  handler: async (args) => {
    const refs: HubModelRef[] = args.refs.flatMap((ref) => ref.split("+").map(parseHubRef));
    const progress = pullProgress({ json: args.json });
    const results: PullResult[] = [];
    for (const ref of refs) {
      const result = await pull(ref, { onEvent: progress.onEvent });
      results.push(result);
      if (!args.json) {
        const fetched = result.downloadedBytes > 0 ? `${formatBytes(result.downloadedBytes)} downloaded in ${formatDuration(result.seconds)}` : result.fromCache ? "from the cache" : "nothing to download";
        process.stderr.write(`${result.repo}@${result.revision}: ${result.kind}, ${result.files.length} files, ${fetched}\n`);
        process.stdout.write(`${result.folder}\n`);
      }
    }
  },
};
