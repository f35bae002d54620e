import { randomBytes } from "node:crypto";
import { access, link, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { OutputError } from "../errors.js";

export interface WriteFileAtomicOptions {
  /** Replace an existing file. Defaults to true; when false an existing file is an OutputError. */
  readonly overwrite?: boolean;
}

/** fsyncs a directory so a rename or new file in it survives a crash. Some filesystems refuse: fine. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // EISDIR/EINVAL/EPERM on filesystems without directory fsync: the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/**
 * Writes a file so readers see either the old content or the new, never a half-written file: the
 * data goes to a temporary file beside it, is fsync'd, then renamed over the target (or, without
 * `overwrite`, hard-linked to it, which fails atomically if the target appeared meanwhile). The
 * temporary file is removed whatever happens.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const overwrite = options.overwrite ?? true;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (overwrite) await rename(temp, path);
    else await linkNoClobber(temp, path);
    await syncDirectory(dir);
  } catch (error) {
    if (error instanceof OutputError) throw error;
    throw new OutputError(path, `could not write: ${(error as Error).message}`, { cause: error });
  } finally {
    await rm(temp, { force: true });
  }
}

async function linkNoClobber(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new OutputError(path, "already exists; refusing to overwrite it", { cause: error });
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV") throw error;
    // No hard links here (some FUSE/network filesystems): check then rename, racy but rare.
    const exists = await access(path).then(() => true, () => false);
    if (exists) throw new OutputError(path, "already exists; refusing to overwrite it");
    await rename(temp, path);
  }
}
