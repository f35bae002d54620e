/** A fresh temporary directory per test file, removed with everything in it afterwards. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/** Registers hooks and returns a function giving paths inside the directory. */
export function useTempDir(prefix: string): (name: string) => string {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `smelt-${prefix}-`));
  });
  afterAll(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });
  return (name) => {
    if (dir === "") throw new Error("useTempDir: path requested before beforeAll ran");
    return join(dir, name);
  };
}
