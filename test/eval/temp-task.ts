import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes files (name -> text) into a fresh temp directory removed after the test; returns its path. */
export function writeTaskDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "smelt-eval-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** JSONL text of the given documents. */
export function jsonl(docs: readonly unknown[]): string {
  return docs.map((d) => JSON.stringify(d)).join("\n") + "\n";
}

/** A minimal valid generate_until task YAML with the given extra/overriding lines. */
export function genYaml(extra = ""): string {
  return [
    "task: t",
    "dataset_path: json",
    "dataset_kwargs:",
    "  data_files:",
    "    validation: val.jsonl",
    "    test: test.jsonl",
    "validation_split: validation",
    "test_split: test",
    "output_type: generate_until",
    'doc_to_text: "Q: {{ q }}\\nA:"',
    "doc_to_target: a",
    extra,
  ].join("\n");
}
