import { randomBytes } from "node:crypto";
import { link, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { RunStoreError } from "./run-store-error.js";
import { isProcessAlive } from "../is-process-alive.js";

/** Who holds a run: written to runs/<id>/lock while a process appends to its journal. */
export interface RunLockInfo {
  readonly pid: number;
  readonly host: string;
  readonly at: string;
  /** Whether the holder is still running: undefined when it is on another host (cannot tell). */
  readonly alive: boolean | undefined;
}

export const LOCK_FILE = "lock";


/** The lock's holder, or undefined when the run is not locked (or the lock file is unreadable). */
export async function readRunLock(dir: string): Promise<RunLockInfo | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, LOCK_FILE), "utf8");
  } catch {
    return undefined;
  }
  try {
    const { pid, host, at } = JSON.parse(text) as { pid: number; host: string; at: string };
    if (!Number.isInteger(pid) || typeof host !== "string") return undefined;
    return { pid, host, at: String(at), alive: host === hostname() ? isProcessAlive(pid) : undefined };
  } catch {
    return undefined;
  }
}

/** Holds a run's lock; release with `release()` or `await using`. */
export interface RunLock extends AsyncDisposable {
  release(): Promise<void>;
}

/**
 * Takes the run's lock so two processes never append to one journal (their lines would interleave
 * and their `seq`s collide). The lock file is written whole to a temporary name and hard-linked
 * into place, which fails atomically if it exists, so a reader never sees a half-written lock. A
 * lock left by a process that died (same host, pid gone) is taken over: that is the crash resume
 * exists for. (Two processes taking over the same stale lock at the same instant can both win;
 * resuming one run twice at once is not worth a heavier protocol.)
 */
export async function acquireRunLock(dir: string, now: Date = new Date()): Promise<RunLock> {
  const path = join(dir, LOCK_FILE);
  const temp = join(dir, `.${LOCK_FILE}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  await writeFile(temp, JSON.stringify({ pid: process.pid, host: hostname(), at: now.toISOString() }), { flag: "wx" });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
        const holder = await readRunLock(dir);
        if (holder !== undefined && holder.alive !== false) {
          throw new RunStoreError(
            dir,
            `the run is in use by process ${holder.pid} on ${holder.host} (since ${holder.at}); ` +
              `wait for it to finish, or delete ${path} if that process is gone`,
          );
        }
        await rm(path, { force: true });
      }
    }
  } finally {
    await rm(temp, { force: true });
  }
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    const holder = await readRunLock(dir);
    if (holder?.pid === process.pid && holder.host === hostname()) await rm(path, { force: true });
  };
  return { release, [Symbol.asyncDispose]: release };
}
