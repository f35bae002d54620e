/**
 * Finds smelt's toy models (examples/toy/base, examples/toy/expert-*) and toy tasks
 * (evals/toy-*.yaml) by globbing, so renamed skills need no change here, and converts the models
 * to GGUF (f16) in a scratch folder, as `smelt convert` would.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { convertHfToGguf } from "../../src/index.js";

export interface ToyModels {
  readonly base: string;
  /** Skill name (the folder's suffix after "expert-") -> GGUF path. */
  readonly experts: ReadonlyMap<string, string>;
  /** The models' trained context (max_position_embeddings). */
  readonly contextLength: number;
}

/** Skill name (the file's suffix after "toy-") -> task YAML path. */
export async function findToyTasks(repoRoot: string): Promise<Map<string, string>> {
  const dir = join(repoRoot, "evals");
  const names = (await readdir(dir)).filter((f) => /^toy-.+\.yaml$/.test(f)).sort();
  if (names.length === 0) throw new Error(`no evals/toy-*.yaml in ${repoRoot}`);
  return new Map(names.map((f) => [f.slice(4, -5), join(dir, f)]));
}

export async function convertToyModels(repoRoot: string, outDir: string): Promise<ToyModels> {
  const toy = join(repoRoot, "examples", "toy");
  const expertDirs = (await readdir(toy, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name.startsWith("expert-")).map((d) => d.name).sort();
  if (expertDirs.length === 0) throw new Error(`no examples/toy/expert-* folders in ${repoRoot}`);
  const convert = async (name: string) => {
    const output = join(outDir, `toy-${name}.gguf`);
    await convertHfToGguf(join(toy, name), { output, outType: "f16", force: true });
    return output;
  };
  const base = await convert("base");
  const experts = new Map<string, string>();
  for (const d of expertDirs) experts.set(d.slice("expert-".length), await convert(d));
  const config = JSON.parse(await readFile(join(toy, "base", "config.json"), "utf8")) as { max_position_embeddings?: number };
  return { base, experts, contextLength: config.max_position_embeddings ?? 512 };
}
