import { readFile } from "node:fs/promises";
import { RecipeError } from "../errors.js";
import { itemHash } from "./item-hash.js";

/** One dataset item: the document, where it came from, and its content hash. */
export interface TaskDoc {
  /** Position in its split, 0-based (what `--limit` counts). */
  readonly index: number;
  readonly doc: Readonly<Record<string, unknown>>;
  /** sha256 of the canonical JSON of `doc` (see itemHash). */
  readonly hash: string;
  /** The JSONL file it was read from (absolute), for messages. */
  readonly file: string;
  /** 1-based line in that file. */
  readonly line: number;
}

/**
 * Reads a JSONL split: one JSON object per line, blank lines skipped. Errors are RecipeErrors that
 * name the task file, the data file and the line, because the usual fix is editing one of them.
 */
export async function readJsonl(file: string, taskFile: string, split: string): Promise<TaskDoc[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`;
    throw new RecipeError(taskFile, [
      { message: `data file ${file} for split "${split}" ${problem}; paths in data_files are relative to the YAML file`, path: ["dataset_kwargs", "data_files", split] },
    ]);
  }
  const docs: TaskDoc[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (error) {
      throw new RecipeError(taskFile, [
        { message: `${file}:${i + 1}: malformed JSON line (${(error as Error).message})`, path: ["dataset_kwargs", "data_files", split] },
      ]);
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
      throw new RecipeError(taskFile, [
        { message: `${file}:${i + 1}: each line must be a JSON object, got ${Array.isArray(doc) ? "an array" : typeof doc}`, path: ["dataset_kwargs", "data_files", split] },
      ]);
    }
    docs.push({ index: docs.length, doc: doc as Record<string, unknown>, hash: itemHash(doc), file, line: i + 1 });
  }
  if (docs.length === 0) {
    throw new RecipeError(taskFile, [{ message: `split "${split}" is empty: ${file} has no JSON lines`, path: ["dataset_kwargs", "data_files", split] }]);
  }
  return docs;
}
