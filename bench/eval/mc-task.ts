/**
 * A small synthetic multiple-choice task for the benchmarks' generated models: written as an
 * lm-eval-style YAML plus JSONL splits in a folder, so it goes through the same loader and
 * evaluator as a real task. The items only need realistic lengths (a ~40-byte question, four
 * 4-8 byte choices): with random weights, accuracy is chance either way.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

const WORDS = ["amber", "basil", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris", "jade", "kelp", "lotus", "maple", "nectar", "onyx", "pearl"];

function item(i: number): { question: string; choices: string[]; gold: number } {
  const pick = (k: number) => WORDS[(i * 7 + k * 5) % WORDS.length];
  const list = [0, 1, 2, 3, 4, 5].map(pick);
  const gold = i % 4;
  const choices = [0, 1, 2, 3].map((k) => `${pick(k + 1)}${k === gold ? "" : "s"}`);
  return { question: `${i}: after ${list[0]} in ${list.join(" ")}?`, choices, gold };
}

/** Writes `name`.yaml with validation and test splits of `items` items each; returns the YAML path. */
export async function writeMcTask(dir: string, name: string, items: number): Promise<string> {
  const lines = (offset: number) =>
    Array.from({ length: items }, (_, i) => JSON.stringify(item(i + offset))).join("\n") + "\n";
  await writeFile(join(dir, `${name}.validation.jsonl`), lines(0));
  await writeFile(join(dir, `${name}.test.jsonl`), lines(items));
  const yaml = [
    `task: ${name}`,
    "dataset_path: json",
    "dataset_kwargs:",
    "  data_files:",
    `    validation: ${name}.validation.jsonl`,
    `    test: ${name}.test.jsonl`,
    "validation_split: validation",
    "test_split: test",
    "output_type: multiple_choice",
    'doc_to_text: "Q: {{ question }}\\nA:"',
    "doc_to_choice: choices",
    "doc_to_target: gold",
    "metadata: {version: 1}",
    "",
  ].join("\n");
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, yaml);
  return path;
}
