import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openInputBlocks } from "../../src/merge/input-blocks.js";
import { resetKernelScratch, useSimdKernels } from "../../src/methods/wasm/index.js";

let dir = "";
let path = "";
// 1000 bf16 elements after a 6-byte prefix: element i holds the value i.
const PREFIX = 6;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "smelt-blocks-"));
  path = join(dir, "t.bin");
  const bytes = new Uint8Array(PREFIX + 2000);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 1000; i++) view.setUint16(PREFIX + 2 * i, i, true);
  await writeFile(path, bytes);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const elementAt = (blocks: ReturnType<typeof openInputBlocks>, i: number) => {
  const b = blocks.block(i, i + 1);
  return b.bytes[2 * (i - b.first)] | (b.bytes[2 * (i - b.first) + 1] << 8);
};

describe("openInputBlocks on a file span", () => {
  for (const kernels of [true, false]) {
    it(`${kernels ? "kernel scratch" : "plain buffers"}: reads a block ahead while the caller works, front to back, and in any order`, async () => {
      const was = useSimdKernels(kernels);
      try {
        resetKernelScratch();
        const blocks = openInputBlocks({ model: "m", dtype: "BF16", file: { path, offset: PREFIX, length: 2000 } }, 2, 0, 96);
        // Front to back in chunks of 32, as the elementwise loop goes, up to element 700.
        for (let at = 0; at < 700; at += 32) {
          const end = Math.min(700, at + 32);
          if (!blocks.has(at, end)) await blocks.ready(at, end, 700);
          expect(blocks.has(at, end)).toBe(true);
          for (let i = at; i < end; i++) expect(elementAt(blocks, i)).toBe(i);
        }
        // Anywhere else: ready() waits for the read ahead it does not need, then reads the block.
        await blocks.ready(40, 50, 1000);
        expect(elementAt(blocks, 45)).toBe(45);
        await blocks.ready(990, 1000, 1000);
        expect(elementAt(blocks, 999)).toBe(999);
        // The synchronous path (multi-pass merges) reads what it is asked for.
        expect(elementAt(blocks, 500)).toBe(500);
        expect(elementAt(blocks, 3)).toBe(3);
        await blocks.close();
      } finally {
        useSimdKernels(was);
      }
    });
  }

  it("reports a file cut short by the read ahead as a typed error", async () => {
    const blocks = openInputBlocks({ model: "m", dtype: "BF16", file: { path, offset: PREFIX, length: 4000 } }, 2, 0, 600);
    await blocks.ready(0, 10, 2000);
    await expect(blocks.ready(600, 610, 2000)).rejects.toThrow(/unexpected end of file .* truncated while merging/);
    await blocks.close();
  });
});
