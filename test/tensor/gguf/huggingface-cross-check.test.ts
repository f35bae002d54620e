/**
 * Differential test: files written by smelt, parsed by @huggingface/gguf's independent parser.
 * Metadata values, value types and tensor infos must agree with what smelt's reader reports.
 */
import { gguf, GGUFValueType } from "@huggingface/gguf";
import fc from "fast-check";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  GGUF_VALUE_TYPE_IDS, openGguf, writeGguf, type GgufArrayValue, type GgufMetadataEntry,
} from "../../../src/tensor/gguf/index.js";
import { alignment, metadata, tensors } from "./arbitraries.js";
import { useTmpDir } from "./tmp-dir.js";

const dir = useTmpDir();
let counter = 0;

/** @huggingface/gguf returns arrays of arrays as nested plain arrays. */
function plainValue(e: GgufMetadataEntry | GgufArrayValue): unknown {
  if (e.type === "array" && e.itemType === "array") return e.value.map(plainValue);
  return e.value;
}

describe("cross-check with @huggingface/gguf", () => {
  it("agrees on metadata, value types and tensor infos", async () => {
    await fc.assert(
      fc.asyncProperty(
        // @huggingface/gguf stores header fields under these keys, and metadata in a plain object
        // (where "__proto__" and other Object.prototype names do not round-trip), so random keys
        // avoid them. smelt's own reader keeps metadata as a list and has no such keys.
        metadata.map((m) => m.filter((e) => !e.key.startsWith("version") && !["tensor_count", "kv_count"].includes(e.key) && !(e.key in Object.prototype))),
        tensors,
        alignment,
        async (meta, cases, align) => {
          const path = join(dir(), `hf-${counter++}.gguf`);
          await writeGguf(path, { metadata: meta, tensors: cases, alignment: align });
          await using ours = await openGguf(path);
          const theirs = await gguf(path, { allowLocalFile: true, typedMetadata: true });
          expect(theirs.metadata.version).toBe(3);
          expect(Number(theirs.metadata.tensor_count)).toBe(cases.length);
          for (const e of ours.metadata) {
            const typed = theirs.typedMetadata[e.key];
            expect(typed, `key ${JSON.stringify(e.key)}`).toBeDefined();
            expect(typed.type).toBe(GGUF_VALUE_TYPE_IDS[e.type]);
            if (e.type === "array") expect(typed.subType).toBe(GGUF_VALUE_TYPE_IDS[e.itemType]);
            expect((theirs.metadata as Record<string, unknown>)[e.key]).toEqual(plainValue(e));
          }
          expect(theirs.tensorInfos.length).toBe(ours.list().length);
          theirs.tensorInfos.forEach((t, i) => {
            const mine = ours.list()[i];
            expect(t.name).toBe(mine.name);
            expect(t.shape.map(Number)).toEqual(mine.ggmlDims);
            expect(t.dtype).toBe(mine.ggmlType);
            expect(Number(t.offset)).toBe(mine.offset);
          });
          expect(Number(theirs.tensorDataOffset)).toBe(ours.dataOffset);
        },
      ),
      { numRuns: 25 },
    );
    expect(GGUFValueType.UINT64).toBe(GGUF_VALUE_TYPE_IDS.uint64);
  });
});
