import { SmeltError } from "../errors.js";

/**
 * A run folder or its journal is missing, malformed, or breaks one of the journal's invariants
 * (a candidate scored twice, an entry out of sequence). `file` names what was read; `line` the
 * 1-based journal line when one is to blame, so the message can say exactly where to look.
 */
export class RunStoreError extends SmeltError {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, problem: string, options?: { line?: number; cause?: unknown }) {
    super("run-store", `${file}${options?.line === undefined ? "" : `:${options.line}`}: ${problem}`, { cause: options?.cause });
    this.file = file;
    this.line = options?.line;
  }
}
