import { join } from "node:path";
import type { CandidateId, JournalEntry, JournalEntryInput } from "./journal-entry.js";
import type { JournalWriter } from "./journal-writer.js";
import { readOptimiserSnapshot, writeOptimiserSnapshot, type OptimiserSnapshot } from "./optimiser-snapshot.js";
import type { RunFiles } from "./run-files.js";
import type { RunLock } from "./run-lock.js";

/**
 * A run open for writing, as createRun and resumeRun return it. It holds the run's lock and the
 * journal writer; `close()` (or `await using`) releases both. `entries` is the whole journal, kept
 * current as entries are appended, so `replayState(run.entries)` is always up to date.
 */
export class Run implements AsyncDisposable {
  readonly id: string;
  readonly files: RunFiles;
  readonly spaceText: string;
  readonly #entries: JournalEntry[];
  readonly #writer: JournalWriter;
  readonly #lock: RunLock;
  readonly #clock: () => Date;

  /** Use createRun or resumeRun. */
  constructor(init: { id: string; files: RunFiles; spaceText: string; entries: readonly JournalEntry[]; writer: JournalWriter; lock: RunLock; clock: () => Date }) {
    this.id = init.id;
    this.files = init.files;
    this.spaceText = init.spaceText;
    this.#entries = [...init.entries];
    this.#writer = init.writer;
    this.#lock = init.lock;
    this.#clock = init.clock;
  }

  get dir(): string {
    return this.files.dir;
  }

  get entries(): readonly JournalEntry[] {
    return this.#entries;
  }

  /** Appends one entry (validated, stamped with seq and time, fsync'd before this resolves). */
  async append(input: JournalEntryInput): Promise<JournalEntry> {
    const entry = await this.#writer.append(input);
    this.#entries.push(entry);
    return entry;
  }

  /** Saves the optimiser's state, tagged with the journal's current last seq (see OptimiserSnapshot). */
  async saveOptimiser(state: unknown): Promise<OptimiserSnapshot> {
    const snapshot: OptimiserSnapshot = { version: 1, journalSeq: this.#writer.lastSeq, savedAt: this.#clock().toISOString(), state };
    await writeOptimiserSnapshot(this.files.optimiser, snapshot);
    return snapshot;
  }

  /** The last saved optimiser snapshot, or undefined. */
  readOptimiser(): Promise<OptimiserSnapshot | undefined> {
    return readOptimiserSnapshot(this.files.optimiser);
  }

  /** Where a kept candidate model goes: runs/<id>/candidates/<candidate>.gguf. */
  candidatePath(id: CandidateId | string): string {
    return join(this.files.candidates, `${id}.gguf`);
  }

  /** Waits for pending appends, closes the journal and releases the lock. Idempotent. */
  async close(): Promise<void> {
    try {
      await this.#writer.close();
    } finally {
      await this.#lock.release();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
