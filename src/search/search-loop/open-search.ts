import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { SmeltError } from "../../errors.js";
import { openModel } from "../../merge/index.js";
import { layerIndexOf } from "../../arch/layer-index.js";
import { readHfConversion } from "../../convert/index.js";
import type { HubOptions, PullEvent } from "../../hub/index.js";
import { createRun, openRun, resumeRun, type Run } from "../../store/index.js";
import { parseSearchSpace } from "../load-search-space.js";
import { withNumLayers, type SearchSpace } from "../search-space.js";
import { searchModelKind, type SearchModelKind } from "./model-kind.js";
import { pinHubModels, type PinnedModels } from "./pin-hub-models.js";
import type { SearchEvent } from "./search-events.js";

/** The smelt version recorded in journals. */
export const SMELT_VERSION = "0.1.0";

export interface OpenedSearch {
  readonly run: Run;
  readonly space: SearchSpace;
  readonly resumed: boolean;
}

/**
 * Creates a run for a search-space file, or reopens one to resume it. A run keeps a copy of its
 * space (space.yaml) and records where the original lived, so a resume resolves relative model
 * and task paths exactly as the first session did. Hub references are resolved before the run
 * exists (a reference that cannot be resolved leaves nothing in runs/) and their commits are
 * recorded in run-started; a resume uses those commits (pinHubModels). The returned space names
 * Hub models `org/name@<commit>`.
 */
export async function openSearch(args: {
  spacePath?: string;
  resume?: string;
  runsDir: string;
  runId?: string;
  clock?: () => Date;
  scoring?: Record<string, unknown>;
  hub?: Omit<HubOptions, "onEvent">;
  onEvent?: (event: SearchEvent) => void;
}): Promise<OpenedSearch> {
  const onEvent = (ref: string, pinned: boolean, pull: PullEvent) => args.onEvent?.({ type: "download", ref, pinned, pull });
  if (args.resume !== undefined) {
    const record = await openRun(args.resume);
    const origin = record.started.settings?.spacePath;
    const anchor = typeof origin === "string" ? origin : record.files.space;
    const parsed = await parseSearchSpace(record.spaceText, anchor);
    const space = await prepareSpace(await pinHubModels(parsed, { pins: record.started.hubPins ?? [], hub: args.hub, onEvent }));
    const run = await resumeRun(args.resume, { smeltVersion: SMELT_VERSION, clock: args.clock });
    return { run, space, resumed: true };
  }
  if (args.spacePath === undefined) throw new SmeltError("usage", "give a search space file, or --resume runs/<id>");
  const spacePath = resolve(args.spacePath);
  let text: string;
  try {
    text = await readFile(spacePath, "utf8");
  } catch (error) {
    throw new SmeltError("input", `cannot read the search space ${args.spacePath}: ${(error as Error).message}`);
  }
  const pinned = await pinHubModels(await parseSearchSpace(text, spacePath), { hub: args.hub, onEvent });
  const space = await prepareSpace(pinned);
  const run = await createRun(args.runsDir, text, {
    seed: space.seed,
    smeltVersion: SMELT_VERSION,
    id: args.runId,
    clock: args.clock,
    settings: { spacePath, ...args.scoring, budget: space.budget, objectives: space.objectives.map((o) => ({ task: o.taskName, metric: o.metric, weight: o.weight, direction: o.direction })) },
    hubPins: pinned.pins,
  });
  return { run, space, resumed: false };
}

/**
 * Checks what the loop needs of the models (GGUF files, or HF checkpoint folders, local or from
 * the Hub, that candidates are merged from and converted for llama.cpp, never a mix) and fills in
 * `num_layers` from the base model when layer groups are searched. HF folders are read for
 * conversion up front, so an architecture or tokenizer smelt cannot convert stops the search
 * before anything runs.
 */
async function prepareSpace(pinned: PinnedModels): Promise<SearchSpace> {
  const { space } = pinned;
  const refs = [...space.models.map((m) => m.model), ...(space.base_model ? [space.base_model] : [])];
  const local = (ref: string) => pinned.local.get(ref) ?? ref;
  const kinds = new Set<SearchModelKind>();
  for (const ref of refs) {
    const [path, adapter] = local(ref).split("+");
    const kind = searchModelKind(path);
    if (adapter !== undefined) {
      if (kind !== "hf") throw new SmeltError("search-models", `${ref}: a LoRA adapter applies to an HF checkpoint folder (its tensor names are Hugging Face's), and ${path} is not one`);
      if (!existsSync(join(adapter, "adapter_config.json"))) throw new SmeltError("search-models", `${ref}: ${adapter} is not a PEFT adapter folder (no adapter_config.json)`);
    }
    if (kind === undefined) {
      throw new SmeltError(
        "search-models",
        `${ref}: a search scores candidates with llama.cpp, so its models must be GGUF files, HF checkpoint folders (config.json + safetensors) or Hub references to HF checkpoints`,
      );
    }
    kinds.add(kind);
  }
  if (kinds.size > 1) {
    throw new SmeltError("search-models", `the search space mixes GGUF files and HF folders (${refs.join(", ")}); their tensor names differ, so merge models of one kind`);
  }
  if (kinds.has("hf")) for (const ref of refs) await readHfConversion(local(ref).split("+")[0]);
  const probe = await openModel(local(space.base_model ?? refs[0]), process.cwd());
  try {
    const layers = new Set(probe.source.list().map((t) => layerIndexOf(t.name)).filter((l) => l !== undefined));
    return layers.size > 0 ? withNumLayers(space, layers.size) : space;
  } finally {
    await probe.source.close();
  }
}
