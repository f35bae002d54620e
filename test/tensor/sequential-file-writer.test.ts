import { closeSync, constants, openSync, unlinkSync } from "node:fs";
import { mkdtemp, open, readFile, rm, stat, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSequentialWriter } from "../../src/tensor/sequential-file-writer.js";

let dir = "";
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "smelt-seq-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
const fresh = () => join(dir, `f-${counter++}`);

const O_DIRECT = (constants as { O_DIRECT?: number }).O_DIRECT;

/** Whether this folder's file system takes O_DIRECT (the direct path is then really exercised). */
function directWorksHere(): boolean {
  if (O_DIRECT === undefined) return false;
  const probe = fresh();
  try {
    closeSync(openSync(probe, constants.O_WRONLY | constants.O_CREAT | O_DIRECT, 0o644));
    return true;
  } catch {
    return false;
  } finally {
    try {
      unlinkSync(probe);
    } catch {
      // never created
    }
  }
}

function pieces(sizes: readonly number[], seed: number): Uint8Array[] {
  let x = seed >>> 0 || 1;
  return sizes.map((n) =>
    Uint8Array.from({ length: n }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    }),
  );
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

describe("openSequentialWriter", () => {
  for (const direct of [true, false]) {
    it(`${direct ? "direct" : "buffered"}: the file is exactly the bytes appended, for any split into appends`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 12 }), fc.integer(), fc.constantFrom(4096, 8192), async (sizes, seed, blockBytes) => {
          const path = fresh();
          const parts = pieces(sizes, seed);
          const writer = await openSequentialWriter(path, { direct, blockBytes });
          for (const p of parts) await writer.append(p);
          expect(writer.position).toBe(concat(parts).byteLength);
          await writer.finish();
          expect(new Uint8Array(await readFile(path))).toEqual(concat(parts));
          await rm(path);
        }),
        { numRuns: 10 },
      );
    });
  }

  it("writes around the page cache where the file system allows it, and appends from shared memory", async () => {
    const writer = await openSequentialWriter(fresh(), { direct: true, blockBytes: 4096 });
    expect(writer.direct).toBe(directWorksHere());
    const shared = new Uint8Array(new SharedArrayBuffer(10_000)).fill(7);
    await writer.append(shared);
    await writer.finish();
    expect((await stat(writer.path)).size).toBe(10_000);
    expect(new Uint8Array(await readFile(writer.path))).toEqual(new Uint8Array(10_000).fill(7));
  });

  it("falls back to ordinary writes when O_DIRECT is refused at open, leaving the same file", async () => {
    const openFile = async (p: string, flags: number, mode: number): Promise<FileHandle> => {
      if (O_DIRECT !== undefined && (flags & O_DIRECT) !== 0) throw Object.assign(new Error("EINVAL: invalid argument"), { code: "EINVAL" });
      return open(p, flags, mode);
    };
    const parts = pieces([5000, 1, 9000], 3);
    const writer = await openSequentialWriter(fresh(), { direct: true, blockBytes: 4096, openFile });
    expect(writer.direct).toBe(false);
    for (const p of parts) await writer.append(p);
    await writer.finish();
    expect(new Uint8Array(await readFile(writer.path))).toEqual(concat(parts));
  });

  it("falls back when the file system opens with O_DIRECT but refuses its writes", async () => {
    if (O_DIRECT === undefined) return;
    let refused = 0;
    const openFile = async (p: string, flags: number, mode: number): Promise<FileHandle> => {
      const real = await open(p, flags & ~O_DIRECT, mode);
      if ((flags & O_DIRECT) === 0) return real;
      // A handle that opened "direct" but whose writes fail as such file systems fail them.
      return new Proxy(real, {
        get(target, key) {
          if (key === "write") return async () => {
            refused++;
            throw Object.assign(new Error("EINVAL: invalid argument, write"), { code: "EINVAL" });
          };
          const value = Reflect.get(target, key) as unknown;
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
    const parts = pieces([4096, 4096, 100, 4000, 30_000], 9);
    const writer = await openSequentialWriter(fresh(), { direct: true, blockBytes: 4096, openFile });
    expect(writer.direct).toBe(true);
    for (const p of parts) await writer.append(p);
    await writer.finish();
    expect(refused).toBe(1);
    expect(writer.direct).toBe(false);
    expect(new Uint8Array(await readFile(writer.path))).toEqual(concat(parts));
  });

  it("reports a failed write at the next call and refuses to finish", async () => {
    const openFile = async (p: string, flags: number, mode: number): Promise<FileHandle> => {
      const real = await open(p, flags, mode);
      return new Proxy(real, {
        get(target, key) {
          if (key === "write") return async () => {
            throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
          };
          const value = Reflect.get(target, key) as unknown;
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
    for (const direct of [true, false]) {
      const writer = await openSequentialWriter(fresh(), { direct, blockBytes: 4096, openFile });
      const first = writer.append(new Uint8Array(3 * 4096));
      // Buffered: the failing write itself throws; direct: the failure shows at a later call.
      const outcome = await first.then(() => writer.append(new Uint8Array(4096)).then(() => writer.finish())).catch((e: Error) => e);
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toMatch(/ENOSPC/);
      await writer.abort();
    }
  });

  it("refuses a path that exists, and block sizes that are not page multiples", async () => {
    const path = fresh();
    await (await openSequentialWriter(path, { direct: false })).finish();
    await expect(openSequentialWriter(path, { direct: true })).rejects.toThrow(/EEXIST/);
    await expect(openSequentialWriter(fresh(), { direct: true, blockBytes: 1000 })).rejects.toThrow(/multiple of 4096/);
  });
});
