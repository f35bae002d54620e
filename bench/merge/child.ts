/**
 * One measured merge in its own process (so peak RSS is its own): `child.ts MODE DIR THREADS`,
 * where MODE is a method name (DIR/MODE.yaml), `copy`, `copy-blocks` or `copy-fresh`. Prints one JSON line.
 *
 * The baselines read every input tensor of the three models and write an output of the same size,
 * with no maths: the I/O limit. `copy` does it the way the engine does its I/O: each tensor read
 * into reused buffers (readRawInto), the next tensor's inputs read while the current output is
 * written. `copy-blocks` reads each tensor in 4 MiB blocks into three reused buffers (as the merge
 * workers read) and streams one model's blocks to the sink: the tightest copy, no large buffers.
 * `copy-fresh` is the baseline of the first version of this benchmark: a fresh buffer per
 * tensor (readRaw), read, then write, one tensor at a time; on this VM fresh buffers cost more in
 * page faults than the reads themselves, so it is well above the I/O limit and kept for comparison.
 */
import { open, readFile, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

// smelt as users run it: the build in dist/ (bench/merge.ts builds it first). Under tsx, src/ would
// run too, but every worker thread would then compile TypeScript at start-up, a cost users never
// pay, which grows with the thread count. Types come from src/, which dist/ is compiled from.
const dist = new URL("../../dist/", import.meta.url);
const { merge, parseRecipe } = (await import(new URL("index.js", dist).href)) as typeof import("../../src/index.js");
const { readRawInto } = (await import(new URL("tensor/read-raw-into.js", dist).href)) as typeof import("../../src/tensor/read-raw-into.js");
const { openHfCheckpoint, createSafetensorsSink } = (await import(new URL("tensor/safetensors/index.js", dist).href)) as typeof import("../../src/tensor/safetensors/index.js");

const [mode, dir, threadsText] = process.argv.slice(2);
const threads = Number(threadsText);
const output = join(dir, `out-${mode}-${threads}`);
await rm(output, { recursive: true, force: true });
const started = performance.now();
const cpuStart = process.cpuUsage();
let inputBytes = 0;
if (mode === "copy" || mode === "copy-fresh" || mode === "copy-blocks") {
  const sources = await Promise.all(["m0", "m1", "m2"].map((m) => openHfCheckpoint(join(dir, m))));
  const list = sources[0].list();
  const sink = await createSafetensorsSink({ dir: output, tensors: list.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype })), direct: true });
  if (mode === "copy-blocks") {
    // Each tensor read in 4 MiB blocks from every model into reused buffers (as the workers read),
    // model 0's blocks written as they come: the tightest copy through the engine's sink.
    const block = 4 << 20;
    const buffers = sources.map(() => new Uint8Array(block));
    const handles = new Map<string, FileHandle>();
    const fileOf = async (path: string) => handles.get(path) ?? handles.set(path, await open(path, "r")).get(path)!;
    for (const t of list) {
      const spans = sources.map((s) => s.byteSpan!(t.name)!);
      async function* parts() {
        for (let at = 0; at < t.byteLength; at += block) {
          const n = Math.min(block, t.byteLength - at);
          await Promise.all(spans.map(async (span, m) => (await fileOf(span.path)).read(buffers[m], 0, n, span.offset + at)));
          inputBytes += 3 * n;
          yield buffers[0].subarray(0, n);
        }
      }
      await sink.writeParts!({ name: t.name, dtype: t.dtype, shape: t.shape }, parts());
    }
    for (const h of handles.values()) await h.close();
  } else if (mode === "copy-fresh") {
    for (const t of list) {
      const raws = await Promise.all(sources.map((s) => s.readRaw(t.name)));
      for (const r of raws) inputBytes += r.bytes.byteLength;
      await sink.write({ kind: "raw", name: t.name, dtype: t.dtype, shape: t.shape, bytes: raws[0].bytes });
    }
  } else {
    // Two sets of reused buffers: tensor i + 1 is read while tensor i is written.
    const largest = Math.max(...list.map((t) => t.byteLength));
    const sets = [0, 1].map(() => sources.map(() => new Uint8Array(largest)));
    const read = (i: number) => Promise.all(sources.map((s, m) => readRawInto(s, list[i].name, sets[i % 2][m])));
    let pending = read(0);
    for (let i = 0; i < list.length; i++) {
      const raws = await pending;
      if (i + 1 < list.length) pending = read(i + 1);
      for (const r of raws) inputBytes += r.bytes.byteLength;
      const t = list[i];
      await sink.write({ kind: "raw", name: t.name, dtype: t.dtype, shape: t.shape, bytes: raws[0].bytes });
    }
  }
  await sink.commit();
  for (const s of sources) await s.close();
} else {
  const recipe = parseRecipe(await readFile(join(dir, `${mode}.yaml`), "utf8"), `${mode}.yaml`);
  const result = await merge(recipe, { output, baseDir: dir, threads });
  inputBytes = result.inputBytes;
}
const seconds = (performance.now() - started) / 1000;
// CPU time of every thread of the process (main, workers, libuv's I/O pool) over the same span.
const cpu = process.cpuUsage(cpuStart);
await rm(output, { recursive: true, force: true });
console.log(JSON.stringify({ seconds, inputBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
