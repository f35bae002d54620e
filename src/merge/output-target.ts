import { randomBytes } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { OutputError } from "../errors.js";

/**
 * Makes an output appear all at once: work happens under a temporary sibling name, and `commit`
 * renames it into place. Without `force` an existing output is refused; with it, the old output is
 * replaced only after the new one is complete.
 */
export interface OutputTarget {
  readonly final: string;
  /** Where to write (a sibling of `final`, same file system, so the rename is atomic). */
  readonly temp: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function prepareOutput(final: string, force: boolean): Promise<OutputTarget> {
  if ((await pathExists(final)) && !force) {
    throw new OutputError(final, "already exists; pass --force to replace it (the old output is kept until the new one is complete)");
  }
  const parent = dirname(final);
  try {
    const info = await stat(parent);
    if (!info.isDirectory()) throw new Error("not a directory");
  } catch {
    throw new OutputError(final, `its folder ${parent} does not exist or is not a folder`);
  }
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const temp = join(parent, `.smelt-tmp-${tag}-${basename(final)}`);
  return {
    final,
    temp,
    async commit() {
      if (await pathExists(final)) {
        const old = join(parent, `.smelt-old-${tag}-${basename(final)}`);
        await rename(final, old);
        await rename(temp, final);
        await rm(old, { recursive: true, force: true });
      } else {
        await rename(temp, final);
      }
    },
    async abort() {
      await rm(temp, { recursive: true, force: true });
    },
  };
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
