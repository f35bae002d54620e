/**
 * The mergekit conformance tensors (test/fixtures/conformance/tensors.safetensors, written by the
 * Python reference tooling) must open with our reader, and our writer must reproduce the file
 * byte for byte from its tensors: same header JSON, same space padding, same data layout.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openHfCheckpoint, openSafetensors, writeSafetensors } from "../../../src/tensor/safetensors/index.js";
import { tempDir } from "./helpers.js";

const FIXTURE = join(import.meta.dirname, "../../fixtures/conformance/tensors.safetensors");

let original: Uint8Array;
let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
let dataStart: number;
beforeAll(async () => {
  original = new Uint8Array(await readFile(FIXTURE));
  const view = new DataView(original.buffer, original.byteOffset);
  dataStart = 8 + Number(view.getBigUint64(0, true));
  header = JSON.parse(new TextDecoder().decode(original.subarray(8, dataStart)));
});

describe("conformance tensors.safetensors", () => {
  it("opens and lists every tensor with the header's dtype and shape", async () => {
    await using source = await openSafetensors(FIXTURE);
    const expected = Object.entries(header).filter(([k]) => k !== "__metadata__");
    expect(expected.length).toBeGreaterThan(400);
    expect(source.list().length).toBe(expected.length);
    for (const [name, entry] of expected) {
      expect(source.info(name), name).toMatchObject({ dtype: entry.dtype, shape: entry.shape });
    }
    expect(source.metadata).toEqual(header.__metadata__);
  });

  it("reads every tensor's values exactly as DataView decodes them", async () => {
    await using source = await openHfCheckpoint(FIXTURE);
    const view = new DataView(original.buffer, original.byteOffset);
    for (const t of source.list()) {
      const [begin, end] = header[t.name].data_offsets;
      const values = await source.readF32(t.name);
      expect(values.length).toBe((end - begin) / 4);
      const reference = Array.from({ length: values.length }, (_, i) => view.getFloat32(dataStart + begin + 4 * i, true));
      expect(Array.from(values), t.name).toEqual(reference);
    }
  });

  it("is reproduced byte for byte by writeSafetensors from its own tensors", async () => {
    const { dir, cleanup } = await tempDir("st-conformance");
    try {
      await using source = await openSafetensors(FIXTURE);
      const names = Object.keys(header).filter((k) => k !== "__metadata__");
      const tensors = await Promise.all(
        names.map(async (name) => {
          const { info, bytes } = await source.readRaw(name);
          return { name, dtype: "F32" as const, shape: info.shape, data: bytes };
        }),
      );
      const path = join(dir, "copy.safetensors");
      await writeSafetensors(path, tensors, source.metadata);
      const copy = new Uint8Array(await readFile(path));
      expect(copy.byteLength).toBe(original.byteLength);
      // Element-wise toEqual on 3 MB takes seconds; report the first differing byte instead.
      const firstDiff = copy.findIndex((b, i) => b !== original[i]);
      expect(firstDiff, firstDiff < dataStart ? "header differs" : "data differs").toBe(-1);
    } finally {
      await cleanup();
    }
  });
});
