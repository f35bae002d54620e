import { RecipeError, type Issue } from "../../src/errors.js";
import { parseSearchSpace, type LoadSearchSpaceOptions } from "../../src/search/load-search-space.js";
import type { SearchSpace } from "../../src/search/search-space.js";

/** A minimal generate_until task file named `name`, with validation and test splits. */
export function taskYaml(name: string, extra = ""): string {
  return [
    `task: ${name}`,
    "dataset_path: json",
    "dataset_kwargs: {data_files: {validation: v.jsonl, test: t.jsonl}}",
    "validation_split: validation",
    "test_split: test",
    "output_type: generate_until",
    'doc_to_text: "{{prompt}}"',
    'doc_to_target: "{{answer}}"',
    extra,
  ].join("\n");
}

/** In-memory files under /w: the space is /w/spaces/s.yaml, tasks live in /w/evals. */
export const FILES: Record<string, string> = {
  "/w/evals/count.yaml": taskYaml("toy_count"),
  "/w/evals/lookup.yaml": taskYaml("toy_lookup"),
  "/w/evals/gsm8k.yaml": taskYaml("gsm8k_cot"),
  "/w/evals/ppl.yaml": taskYaml("toy_ppl").replace("generate_until", "loglikelihood_rolling").replace('doc_to_target: "{{answer}}"', "doc_to_target: 0"),
};

export const readFile = async (p: string): Promise<string> => {
  if (!Object.hasOwn(FILES, p)) throw new Error(`ENOENT: no such file ${p}`);
  return FILES[p];
};

export const BASE_SPACE = `
models:
  - model: ../models/a
  - model: ../models/b
base_model: ../models/base
methods: [ties]
parameters:
  per_model:
    weight: [0, 1.5]
    density: [0.2, 1.0]
objectives:
  - task: ../evals/count.yaml
budget: {evaluations: 10}
`;

export function space(yaml: string, options: LoadSearchSpaceOptions = {}): Promise<SearchSpace> {
  return parseSearchSpace(yaml, "/w/spaces/s.yaml", { readFile, ...options });
}

/** The issues a space is rejected with (fails the test when it is accepted). */
export async function issuesOf(yaml: string, options: LoadSearchSpaceOptions = {}): Promise<Issue[]> {
  try {
    await space(yaml, options);
  } catch (e) {
    if (e instanceof RecipeError) return [...e.issues];
    throw e;
  }
  throw new Error("expected the search space to be rejected");
}

export function at(issues: readonly Issue[], path: string, pattern: RegExp): void {
  const hit = issues.find((i) => i.path.join(".") === path && pattern.test(i.message));
  if (hit === undefined) {
    throw new Error(`no issue at ${path} matching ${pattern}; got:\n${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
}
