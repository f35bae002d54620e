import { appendFile, open, readFile, writeFile } from "node:fs/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OutputError } from "../../src/errors.js";
import { JournalWriter, RunStoreError, parseJournal, readJournal, type JournalEntryInput, type JournalFile } from "../../src/store/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { failed, fakeClock, heldout, merged, proposed, reference, score, scored, started } from "./fixtures.js";

const path = useTempDir("journal");

const ALL_KINDS: JournalEntryInput[] = [
  started(),
  reference("./base", "base", { arith: score(0.3) }, 0.3),
  proposed("c0", 0, [0.1, 0.2, 0.3, 0.4]),
  merged("c0"),
  scored("c0", { arith: score(0.6), copy: score(0.4, null, 1) }, 0.5),
  heldout("c0", { arith: score(0.55) }, 0.55),
  proposed("c1", 1),
  failed("c1", "load", "llama.cpp: bad magic\nsecond line"),
  { kind: "run-finished", reason: "budget" },
  { kind: "run-resumed", smeltVersion: "0.1.1", droppedTornLine: 12 },
];

async function writeAll(file: string, inputs: readonly JournalEntryInput[]) {
  await using writer = await JournalWriter.open(file, { clock: fakeClock() });
  const out = [];
  for (const input of inputs) out.push(await writer.append(input));
  return out;
}

/** Wraps a real file handle, recording each operation in order. */
function recordingOpen(log: string[], failOnWrite?: number) {
  return async (p: string): Promise<JournalFile> => {
    const handle = await open(p, "a");
    let writes = 0;
    return {
      write: async (buffer) => {
        writes++;
        if (writes === failOnWrite) {
          // A disk filling up mid-line: half the bytes land, then the error.
          await handle.write(buffer.subarray(0, buffer.length >> 1));
          log.push("write-failed");
          throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
        }
        log.push(`write ${buffer.length}`);
        return handle.write(buffer);
      },
      sync: async () => {
        log.push("sync");
        await handle.sync();
      },
      truncate: async (n) => {
        log.push(`truncate ${n}`);
        await handle.truncate(n);
      },
      stat: () => handle.stat(),
      close: () => handle.close(),
    };
  };
}

describe("journal", () => {
  it("round-trips every kind of entry, stamping strictly increasing seq and the clock's time", async () => {
    const file = path("round-trip.jsonl");
    const written = await writeAll(file, ALL_KINDS);
    expect(written.map((e) => e.seq)).toEqual(ALL_KINDS.map((_, i) => i + 1));
    expect(written[0].at).toBe("2026-11-24T06:45:01.000Z");
    const { entries, torn } = await readJournal(file);
    expect(torn).toBeUndefined();
    expect(entries).toEqual(written);
    const text = await readFile(file, "utf8");
    expect(text.split("\n")).toHaveLength(ALL_KINDS.length + 1);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("writes each entry as one whole line and fsyncs it before append resolves", async () => {
    const log: string[] = [];
    const file = path("fsync.jsonl");
    const writer = await JournalWriter.open(file, { openFile: recordingOpen(log) });
    for (const input of ALL_KINDS.slice(0, 4)) {
      await writer.append(input);
      log.push("resolved");
    }
    await writer.close();
    const lines = (await readFile(file, "utf8")).split("\n").slice(0, -1);
    const expected = lines.flatMap((l) => [`write ${Buffer.byteLength(l) + 1}`, "sync", "resolved"]);
    expect(log).toEqual(expected);
  });

  it("serialises concurrent appends in call order", async () => {
    const file = path("concurrent.jsonl");
    await using writer = await JournalWriter.open(file);
    await writer.append(started());
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const results = await Promise.all(ids.map((id) => writer.append(proposed(id))));
    expect(results.map((r) => r.seq)).toEqual(ids.map((_, i) => i + 2));
    const { entries } = await readJournal(file);
    expect(entries.slice(1).map((e) => (e.kind === "candidate-proposed" ? e.id : e.kind))).toEqual(ids);
  });

  it("refuses an invalid entry without writing anything, and keeps going", async () => {
    const file = path("invalid.jsonl");
    await using writer = await JournalWriter.open(file);
    await writer.append(started());
    await expect(writer.append(scored("c0", { arith: score(Number.NaN) }, 0.5))).rejects.toThrow(/invalid candidate-scored entry[\s\S]*tasks\.arith\.value/);
    await expect(writer.append(proposed("bad/id"))).rejects.toThrow(/candidate ids/);
    const next = await writer.append(proposed("c0"));
    expect(next.seq).toBe(2);
    expect((await readJournal(file)).entries).toHaveLength(2);
  });

  it("cuts a half-written line off again when a write fails, so the journal stays readable", async () => {
    const log: string[] = [];
    const file = path("enospc.jsonl");
    const writer = await JournalWriter.open(file, { openFile: recordingOpen(log, 2) });
    await writer.append(started());
    const error = await writer.append(proposed("c0")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toMatch(/could not append a candidate-proposed entry: ENOSPC/);
    const sizeAfterFirst = Buffer.byteLength((await readFile(file, "utf8")).split("\n")[0]) + 1;
    expect(log).toContain(`truncate ${sizeAfterFirst}`);
    const retried = await writer.append(proposed("c0"));
    expect(retried.seq).toBe(2);
    await writer.close();
    const { entries, torn } = await readJournal(file);
    expect(torn).toBeUndefined();
    expect(entries.map((e) => e.seq)).toEqual([1, 2]);
  });

  it("refuses appends once closed", async () => {
    const writer = await JournalWriter.open(path("closed.jsonl"));
    await writer.close();
    await expect(writer.append(started())).rejects.toThrow(RunStoreError);
  });

  it("tolerates and reports a torn last line, and the writer truncates it before appending", async () => {
    const file = path("torn.jsonl");
    await writeAll(file, ALL_KINDS.slice(0, 3));
    const intact = (await readFile(file)).length;
    await appendFile(file, '{"kind":"candidate-merged","id":"c0","seco');
    const { entries, torn } = await readJournal(file);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(torn).toEqual({ line: 4, offset: intact, bytes: 42 });

    const writer = await JournalWriter.open(file, { lastSeq: 3, truncateTo: torn?.offset });
    await writer.append(merged("c0"));
    await writer.close();
    const after = await readJournal(file);
    expect(after.torn).toBeUndefined();
    expect(after.entries.map((e) => `${e.seq}:${e.kind}`)).toEqual(["1:run-started", "2:reference-scored", "3:candidate-proposed", "4:candidate-merged"]);
  });

  it("survives a crash at any byte: every cut yields the complete lines before it, the rest torn", async () => {
    const file = path("every-cut.jsonl");
    const written = await writeAll(file, ALL_KINDS);
    const bytes = await readFile(file);
    const ends: number[] = [];
    let offset = 0;
    for (let i = 0; i < written.length; i++) ends.push((offset = bytes.indexOf(0x0a, offset) + 1));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length }), (cut) => {
        const { entries, torn } = parseJournal(bytes.subarray(0, cut), "j");
        const complete = ends.filter((e) => e <= cut).length;
        expect(entries).toEqual(written.slice(0, complete));
        const start = complete === 0 ? 0 : ends[complete - 1];
        expect(torn).toEqual(cut > start ? { line: complete + 1, offset: start, bytes: cut - start } : undefined);
      }),
      { numRuns: 300 },
    );
  });

  it("treats NUL padding after a crash as a torn tail too", () => {
    const good = `${JSON.stringify({ kind: "run-finished", reason: "time", seq: 1, at: "2026-11-24T06:00:00.000Z" })}\n`;
    const parsed = parseJournal(Buffer.concat([Buffer.from(good), Buffer.alloc(16)]), "j");
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.torn).toEqual({ line: 2, offset: good.length, bytes: 16 });
  });

  describe("refuses corruption before the last line, naming the line", () => {
    async function corrupt(name: string, edit: (lines: string[]) => void): Promise<RunStoreError> {
      const file = path(name);
      await writeAll(file, ALL_KINDS.slice(0, 5));
      const lines = (await readFile(file, "utf8")).split("\n");
      edit(lines);
      await writeFile(file, lines.join("\n"));
      const error = await readJournal(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunStoreError);
      return error as RunStoreError;
    }

    it("invalid JSON", async () => {
      const error = await corrupt("garbage.jsonl", (l) => (l[1] = l[1].slice(0, 20)));
      expect(error.line).toBe(2);
      expect(error.message).toMatch(/garbage\.jsonl:2: journal line 2 is not valid JSON/);
    });

    it("an empty line", async () => {
      const error = await corrupt("empty.jsonl", (l) => l.splice(2, 0, ""));
      expect(error.line).toBe(3);
      expect(error.message).toMatch(/line 3 is an empty line/);
    });

    it("valid JSON that is not an entry", async () => {
      const error = await corrupt("schema.jsonl", (l) => (l[3] = l[3].replace('"candidate-merged"', '"candidate-exploded"')));
      expect(error.line).toBe(4);
      expect(error.message).toMatch(/line 4 is not a valid entry[\s\S]*kind/);
    });

    it("seq going backwards (two writers interleaved)", async () => {
      const error = await corrupt("seq.jsonl", (l) => (l[2] = l[2].replace('"seq":3', '"seq":2')));
      expect(error.line).toBe(3);
      expect(error.message).toMatch(/seq 2 after seq 2/);
    });
  });

  it("says what to do when there is no journal", async () => {
    await expect(readJournal(path("missing.jsonl"))).rejects.toThrow(/no journal here/);
  });
});
