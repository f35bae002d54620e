import { open } from "node:fs/promises";
import { OutputError, formatIssues } from "../errors.js";
import { journalEntrySchema, type JournalEntry, type JournalEntryInput } from "./journal-entry.js";
import { RunStoreError } from "./run-store-error.js";

/** The file operations the writer needs; node's FileHandle has them. Tests wrap one to watch fsyncs. */
export interface JournalFile {
  write(buffer: Uint8Array): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export interface JournalWriterOptions {
  /** `seq` of the last entry already in the file. Defaults to 0 (a new journal). */
  readonly lastSeq?: number;
  /** Truncate the file to this many bytes before the first append: drops a torn last line. */
  readonly truncateTo?: number;
  /** Stamps `at`. Defaults to `() => new Date()`. */
  readonly clock?: () => Date;
  /** Opens the file for appending. Defaults to `fs.promises.open(path, "a")`. */
  readonly openFile?: (path: string) => Promise<JournalFile>;
}

/**
 * Appends entries to `journal.jsonl`, one line per entry, each written with a single write of the
 * whole line (newline included) and then fsync'd before `append` resolves: when it resolves the
 * entry survives a crash, and a crash mid-write tears at most that one line (which readJournal
 * tolerates). Appends are serialised, so concurrent callers get consecutive `seq`s in call order.
 * Dispose with `close()` or `await using`.
 */
export class JournalWriter implements AsyncDisposable {
  readonly path: string;
  #file: JournalFile;
  #size: number;
  #lastSeq: number;
  #clock: () => Date;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #broken: Error | undefined;

  private constructor(path: string, file: JournalFile, size: number, lastSeq: number, clock: () => Date) {
    this.path = path;
    this.#file = file;
    this.#size = size;
    this.#lastSeq = lastSeq;
    this.#clock = clock;
  }

  static async open(path: string, options: JournalWriterOptions = {}): Promise<JournalWriter> {
    const file = await (options.openFile ?? ((p: string) => open(p, "a")))(path);
    try {
      if (options.truncateTo !== undefined) {
        await file.truncate(options.truncateTo);
        await file.sync();
      }
      const { size } = await file.stat();
      return new JournalWriter(path, file, size, options.lastSeq ?? 0, options.clock ?? (() => new Date()));
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** `seq` of the last entry written (0 when none). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Validates, stamps `seq` and `at`, writes and fsyncs one entry; resolves to the stored entry. */
  append(input: JournalEntryInput): Promise<JournalEntry> {
    if (this.#closed) return Promise.reject(new RunStoreError(this.path, `cannot append a ${input.kind} entry: the journal writer is closed`));
    const result = this.#queue.then(() => this.#write(input));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #write(input: JournalEntryInput): Promise<JournalEntry> {
    if (this.#broken) throw new RunStoreError(this.path, "the journal could not be repaired after a failed write; reopen the run to continue", { cause: this.#broken });
    const parsed = journalEntrySchema.safeParse({ ...input, seq: this.#lastSeq + 1, at: this.#clock().toISOString() });
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ message: i.message, path: i.path.map(String) }));
      throw new RunStoreError(this.path, `refusing to append an invalid ${input.kind} entry:\n${formatIssues(issues)}`);
    }
    const line = Buffer.from(`${JSON.stringify(parsed.data)}\n`, "utf8");
    try {
      // One write for the whole line: a short write of a regular file only happens when the disk
      // is full, which the catch below handles by cutting the partial line off again.
      const { bytesWritten } = await this.#file.write(line);
      if (bytesWritten !== line.length) throw new Error(`short write: ${bytesWritten} of ${line.length} bytes (disk full?)`);
      await this.#file.sync();
    } catch (error) {
      // Never leave a partial line in the middle of the journal: the next append would turn a
      // tolerable torn tail into corruption.
      try {
        await this.#file.truncate(this.#size);
      } catch (repairError) {
        this.#broken = repairError as Error;
      }
      throw new OutputError(this.path, `could not append a ${input.kind} entry: ${(error as Error).message}`, { cause: error });
    }
    this.#size += line.length;
    this.#lastSeq = parsed.data.seq;
    return parsed.data;
  }

  /** Refuses new appends, waits for queued ones, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await this.#file.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
