import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SmeltError } from "../errors.js";
import type { HubOptions } from "../hub/index.js";
import type { MergePlan, MergeStep, Recipe } from "../recipe/index.js";
import type { ByteSpan, RawTensor, TensorInfo } from "../tensor/tensor-source.js";
import { readRawInto } from "../tensor/read-raw-into.js";
import { openModel, type OpenedModel } from "./open-model.js";

/** Every model a recipe names, opened once, with the checks that span models. */
export interface OpenedModels {
  readonly byRef: ReadonlyMap<string, OpenedModel>;
  readonly format: "safetensors" | "gguf";
  tensorLists(): ReadonlyMap<string, { readonly tensors: readonly TensorInfo[] }>;
  info(model: string, tensor: string): TensorInfo;
  readRaw(model: string, tensor: string): Promise<RawTensor>;
  /** Reads a tensor's stored bytes into the start of `into` (see TensorSource.readRawInto). */
  readRawInto(model: string, tensor: string, into: Uint8Array): Promise<RawTensor>;
  /** Where a tensor's stored bytes lie in a file, when its source can say (see TensorSource.byteSpan). */
  byteSpan(model: string, tensor: string): ByteSpan | undefined;
  stepInputBytes(step: MergeStep): number;
  close(): Promise<void>;
}

/** All model references of a recipe, in first-mention order (models, slices' sources, base last). */
export function recipeModelRefs(recipe: Recipe): string[] {
  const refs: string[] = [];
  const add = (ref: string | undefined | null) => {
    if (ref && !refs.includes(ref)) refs.push(ref);
  };
  for (const m of recipe.models ?? []) add(m.model);
  for (const slice of recipe.slices ?? []) for (const s of slice.sources) add(s.model);
  add(recipe.base_model);
  return refs;
}

/** Opens every model of a recipe; Hub references are pulled into the HF cache with `hub`'s options. */
export async function openRecipeModels(recipe: Recipe, baseDir: string, hub: HubOptions = {}): Promise<OpenedModels> {
  const byRef = new Map<string, OpenedModel>();
  const close = async () => {
    for (const m of byRef.values()) await m.source.close().catch(() => {});
  };
  try {
    for (const ref of recipeModelRefs(recipe)) byRef.set(ref, await openModel(ref, baseDir, hub));
    const formats = new Set([...byRef.values()].map((m) => m.format));
    if (formats.size > 1) {
      const list = [...byRef.values()].map((m) => `${m.ref} (${m.format})`).join(", ");
      throw new SmeltError("mixed-formats", `the recipe mixes GGUF and safetensors models (${list}); their tensor names differ. Merge models of one format.`);
    }
    await checkArchitectures(byRef);
  } catch (error) {
    await close();
    throw error;
  }
  const get = (model: string): OpenedModel => {
    const m = byRef.get(model);
    if (!m) throw new SmeltError("internal", `model "${model}" was not opened`);
    return m;
  };
  const info = (model: string, tensor: string): TensorInfo => {
    const i = get(model).source.info(tensor);
    if (!i) throw new SmeltError("missing-tensor", `model "${model}" has no tensor "${tensor}"`);
    return i;
  };
  return {
    byRef,
    format: [...byRef.values()][0]?.format ?? "safetensors",
    tensorLists: () => new Map([...byRef].map(([ref, m]) => [ref, { tensors: m.source.list() }])),
    info,
    readRaw: (model, tensor) => get(model).source.readRaw(tensor),
    readRawInto: (model, tensor, into) => readRawInto(get(model).source, tensor, into),
    byteSpan: (model, tensor) => get(model).source.byteSpan?.(tensor),
    stepInputBytes: (step) => [...step.inputs, ...(step.base ? [step.base] : [])].reduce((sum, r) => sum + info(r.model, r.tensor).byteLength, 0),
    close,
  };
}

/** Refuses to merge models of different architectures (config.json model_type / general.architecture). */
async function checkArchitectures(byRef: ReadonlyMap<string, OpenedModel>): Promise<void> {
  const archs = new Map<string, string>();
  for (const m of byRef.values()) {
    const arch = await architectureOf(m);
    if (arch) archs.set(m.ref, arch);
  }
  const distinct = new Set(archs.values());
  if (distinct.size > 1) {
    const list = [...archs].map(([ref, arch]) => `${ref}: ${arch}`).join(", ");
    throw new SmeltError("mixed-architectures", `the recipe mixes model architectures (${list}); merging needs models fine-tuned from one base architecture`);
  }
}

async function architectureOf(m: OpenedModel): Promise<string | undefined> {
  if (m.format === "gguf") {
    const meta = (m.source as unknown as { architecture?: string }).architecture;
    return typeof meta === "string" ? meta : undefined;
  }
  if (!m.folder) return undefined;
  try {
    const config = JSON.parse(await readFile(join(m.folder, "config.json"), "utf8")) as { model_type?: string; architectures?: string[] };
    return config.model_type ?? config.architectures?.[0];
  } catch {
    return undefined;
  }
}

export type { MergePlan };
