import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { formatIssues } from "../errors.js";
import { journalEntrySchema, type JournalEntry } from "./journal-entry.js";
import { RunStoreError } from "./run-store-error.js";

/** An incomplete last line: what a crash in the middle of an append leaves behind. */
export interface TornLine {
  /** 1-based line number. */
  readonly line: number;
  /** Byte offset where it starts: the length the file is truncated to before appending again. */
  readonly offset: number;
  readonly bytes: number;
}

export interface JournalContents {
  readonly entries: readonly JournalEntry[];
  /** Set when the file ends in a partial line; the entries before it are intact. */
  readonly torn: TornLine | undefined;
}

const NEWLINE = 0x0a;

function describeIssues(error: z.ZodError): string {
  return formatIssues(error.issues.map((i) => ({ message: i.message, path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)) })));
}

/**
 * Parses journal bytes. Every line the writer completed ends in "\n" (each entry is written with
 * its newline in one write), so only the bytes after the last newline can be a torn write: those
 * are reported in `torn` and ignored. Anything wrong before that is corruption, not a crash, and
 * is refused with the line number, because silently skipping a line would lose or repeat work.
 */
export function parseJournal(bytes: Uint8Array, file: string): JournalContents {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = buffer.lastIndexOf(NEWLINE) + 1;
  const entries: JournalEntry[] = [];
  let start = 0;
  let line = 0;
  while (start < end) {
    const stop = buffer.indexOf(NEWLINE, start);
    line++;
    const text = buffer.toString("utf8", start, stop);
    start = stop + 1;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      const hint = text.trim() === "" ? "an empty line" : `not valid JSON (${(error as Error).message})`;
      throw new RunStoreError(file, `journal line ${line} is ${hint}. Only the last line can be torn by a crash; this one is corrupt: repair or delete it by hand`, { line });
    }
    const parsed = journalEntrySchema.safeParse(raw);
    if (!parsed.success) {
      throw new RunStoreError(file, `journal line ${line} is not a valid entry:\n${describeIssues(parsed.error)}`, { line });
    }
    const previous = entries.at(-1);
    if (previous !== undefined && parsed.data.seq <= previous.seq) {
      throw new RunStoreError(file, `journal line ${line} has seq ${parsed.data.seq} after seq ${previous.seq}: entries are out of order or duplicated`, { line });
    }
    entries.push(parsed.data);
  }
  const torn = end < buffer.length ? { line: line + 1, offset: end, bytes: buffer.length - end } : undefined;
  return { entries, torn };
}

/** Reads and validates `journal.jsonl` (see parseJournal for what is tolerated and what refused). */
export async function readJournal(path: string): Promise<JournalContents> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new RunStoreError(path, "no journal here: is this a run folder (runs/<id>/) created by smelt search?", { cause: error });
    }
    throw error;
  }
  return parseJournal(bytes, path);
}
