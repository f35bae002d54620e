import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type { RepoCache } from "./repo-cache.js";
import { isProcessAlive } from "../is-process-alive.js";

/**
 * A cross-process lock on one blob of the cache, held while it is checked and downloaded, so
 * that two smelt processes (two searches started together, a pull beside a search) never write
 * the same `.incomplete` file at once: the second waits, then finds the blob complete.
 *
 * The lock is a file created atomically (a hard link of a file already holding `pid@host`) and
 * removed on release. Its holder touches it every HEARTBEAT_MS. A lock is stale, and taken over,
 * when its process is gone (same host) or it was not touched for STALE_MS (a crashed holder on
 * another host of a shared cache). Taking over renames the stale file away first, so of several
 * waiters only one takes it.
 */
export interface BlobLockOptions {
  /** false: resolve to undefined at once when another process holds the lock (default: wait for it). */
  readonly wait?: boolean;
  readonly pollMs?: number;
}

/** Who holds a lock (`pid@host`) and where it is, for the message of a waiting process. */
export async function blobLockHolder(cache: RepoCache, etag: string): Promise<{ holder: string; file: string } | undefined> {
  const file = cache.lockFile(etag);
  const holder = await readFile(file, "utf8").catch(() => undefined);
  return holder === undefined ? undefined : { holder: holder.trim(), file };
}

const HEARTBEAT_MS = 20_000;
const STALE_MS = 120_000;

/** Takes the lock on `etag`'s blob; resolves to the function that releases it. */
export async function lockBlob(cache: RepoCache, etag: string, options: BlobLockOptions & { wait?: true }): Promise<() => Promise<void>>;
export async function lockBlob(cache: RepoCache, etag: string, options: BlobLockOptions): Promise<(() => Promise<void>) | undefined>;
export async function lockBlob(cache: RepoCache, etag: string, options: BlobLockOptions = {}): Promise<(() => Promise<void>) | undefined> {
  const file = cache.lockFile(etag);
  const me = `${process.pid}@${hostname()}`;
  await mkdir(dirname(file), { recursive: true });
  for (;;) {
    const temp = `${file}.${randomBytes(6).toString("hex")}`;
    await writeFile(temp, me);
    try {
      await link(temp, file);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      await rm(temp, { force: true });
    }
    const holder = await readFile(file, "utf8").catch(() => undefined);
    if (holder === undefined) continue; // released meanwhile
    if (await isStale(file, holder)) {
      // Renamed away before it is deleted: of several waiters, one rename succeeds.
      const away = `${file}.stale-${randomBytes(6).toString("hex")}`;
      if (await rename(file, away).then(() => true, () => false)) await rm(away, { force: true });
      continue;
    }
    if (options.wait === false) return undefined;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
  const beat = setInterval(() => void utimes(file, new Date(), new Date()).catch(() => {}), HEARTBEAT_MS);
  beat.unref();
  return async () => {
    clearInterval(beat);
    await rm(file, { force: true });
  };
}

async function isStale(file: string, holder: string): Promise<boolean> {
  const [pid, host] = holder.trim().split("@");
  if (host === hostname() && /^\d+$/.test(pid) && !isProcessAlive(Number(pid))) return true;
  const touched = await stat(file).then((s) => s.mtimeMs, () => Date.now());
  return Date.now() - touched > STALE_MS;
}

