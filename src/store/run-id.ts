import { randomBytes } from "node:crypto";
import { RunStoreError } from "./run-store-error.js";

/** Run ids name folders under runs/: no separators, no leading dot, short enough for any filesystem. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * A new run id: UTC time to the second plus 6 random hex digits, e.g. `20261124-064500-3fa91c`.
 * Ids sort by start time, and two runs started in the same second still differ.
 */
export function newRunId(now: Date = new Date(), suffix: string = randomBytes(3).toString("hex")): string {
  const iso = now.toISOString(); // 2026-11-24T06:45:00.000Z
  return `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}-${suffix}`;
}

/** Refuses an id that would not make a safe folder name (a given `--run-id`, say). */
export function checkRunId(id: string): string {
  if (!RUN_ID.test(id)) {
    throw new RunStoreError(id, "not a valid run id: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }
  return id;
}
