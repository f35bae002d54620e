import { readFile } from "node:fs/promises";
import path from "node:path";
import { RecipeError } from "../errors.js";
import { compileDocTemplates, type DocTemplates } from "./doc-templates.js";
import { parseTaskSpec } from "./parse-task-spec.js";
import { readJsonl, type TaskDoc } from "./read-jsonl.js";
import type { TaskSpec } from "./task-spec.js";

/** Which declared split an evaluation runs on. */
export type EvalSplit = "validation" | "test";

/** A task ready to evaluate: its validated spec, its data and its compiled templates. */
export interface LoadedTask {
  readonly name: string;
  /** Absolute path of the YAML file. */
  readonly file: string;
  readonly spec: TaskSpec;
  /** `metadata.version`, if given. */
  readonly version: number | undefined;
  /** Documents of the declared validation/test splits. */
  readonly splits: Readonly<Partial<Record<EvalSplit, readonly TaskDoc[]>>>;
  /** Where few-shot examples come from; undefined when num_fewshot is 0. */
  readonly fewshot: { readonly split: string; readonly docs: readonly TaskDoc[] } | undefined;
  readonly templates: DocTemplates;
}

/** Loads one task file. Options let callers read from somewhere else than the disk. */
export interface LoadTaskOptions {
  /** Reads the YAML text. Defaults to fs.readFile(path, "utf8"). */
  readonly readText?: (file: string) => Promise<string>;
}

/**
 * Reads a task YAML, its JSONL splits (paths relative to the YAML), hashes every item and refuses
 * tasks whose validation and test splits share items: a score on a test split that overlaps the
 * split used for selection would be silently optimistic.
 */
export async function loadTask(file: string, options: LoadTaskOptions = {}): Promise<LoadedTask> {
  const absolute = path.resolve(file);
  const readText = options.readText ?? ((f: string) => readFile(f, "utf8"));
  let text: string;
  try {
    text = await readText(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RecipeError(absolute, [{ message: code === "ENOENT" ? "task file does not exist" : `task file cannot be read (${code ?? String(error)})`, path: [] }]);
  }
  const spec = parseTaskSpec(text, absolute);
  const dir = path.dirname(absolute);
  const cache = new Map<string, Promise<TaskDoc[]>>();
  const load = (split: string): Promise<TaskDoc[]> => {
    let docs = cache.get(split);
    if (!docs) {
      docs = readJsonl(path.resolve(dir, spec.dataset_kwargs.data_files[split]), absolute, split);
      cache.set(split, docs);
    }
    return docs;
  };

  const splits: Partial<Record<EvalSplit, TaskDoc[]>> = {};
  if (spec.validation_split !== undefined) splits.validation = await load(spec.validation_split);
  if (spec.test_split !== undefined) splits.test = await load(spec.test_split);
  if (splits.validation && splits.test) checkDisjoint(spec, absolute, splits.validation, splits.test);

  let fewshot: LoadedTask["fewshot"];
  if (spec.num_fewshot > 0) {
    // lm-eval's fallback order for the few-shot source.
    const split = spec.fewshot_split ?? spec.training_split ?? spec.validation_split ?? spec.test_split;
    if (split === undefined) throw new RecipeError(absolute, [{ message: "num_fewshot > 0 needs a split to draw examples from", path: ["fewshot_split"] }]);
    fewshot = { split, docs: await load(split) };
    if (fewshot.docs.length < spec.num_fewshot) {
      throw new RecipeError(absolute, [{ message: `num_fewshot is ${spec.num_fewshot} but few-shot split "${split}" has only ${fewshot.docs.length} documents`, path: ["num_fewshot"] }]);
    }
  }

  const features = new Set<string>();
  for (const docs of [splits.validation, splits.test, fewshot?.docs]) {
    for (const item of docs ?? []) for (const key of Object.keys(item.doc)) features.add(key);
  }
  const templates = compileDocTemplates(spec, absolute, features);
  return { name: spec.task, file: absolute, spec, version: spec.metadata?.version, splits, fewshot, templates };
}

function checkDisjoint(spec: TaskSpec, file: string, validation: readonly TaskDoc[], test: readonly TaskDoc[]): void {
  const seen = new Set(validation.map((d) => d.hash));
  const shared = test.filter((d) => seen.has(d.hash));
  if (shared.length === 0) return;
  const example = shared[0];
  const testFile = spec.dataset_kwargs.data_files[spec.test_split!];
  const excerpt = JSON.stringify(example.doc);
  throw new RecipeError(file, [
    {
      message:
        `validation split "${spec.validation_split}" and test split "${spec.test_split}" share ${shared.length} of ${test.length} test items ` +
        `(e.g. ${testFile} line ${example.line}: ${excerpt.length > 120 ? `${excerpt.slice(0, 117)}...` : excerpt}); ` +
        "remove the duplicates so test scores stay held out",
      path: ["dataset_kwargs", "data_files"],
    },
  ]);
}
