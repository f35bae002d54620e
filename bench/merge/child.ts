/**
 * One measured merge in its own process (so peak RSS is its own): `child.ts MODE DIR THREADS`,
 * where MODE is a method name (DIR/MODE.yaml) or `copy`. Prints one JSON line.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { merge, parseRecipe } from "../../src/index.js";
import { openHfCheckpoint, createSafetensorsSink } from "../../src/tensor/safetensors/index.js";

const [mode, dir, threadsText] = process.argv.slice(2);
const threads = Number(threadsText);
const output = join(dir, `out-${mode}-${threads}`);
await rm(output, { recursive: true, force: true });
const started = performance.now();
let inputBytes = 0;
if (mode === "copy") {
  // Read every input tensor of the three models and write an output of the same size: I/O only.
  const sources = await Promise.all(["m0", "m1", "m2"].map((m) => openHfCheckpoint(join(dir, m))));
  const list = sources[0].list();
  const sink = await createSafetensorsSink({ dir: output, tensors: list.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype })) });
  for (const t of list) {
    const raws = await Promise.all(sources.map((s) => s.readRaw(t.name)));
    for (const r of raws) inputBytes += r.bytes.byteLength;
    await sink.write({ kind: "raw", name: t.name, dtype: t.dtype, shape: t.shape, bytes: raws[0].bytes });
  }
  await sink.commit();
  for (const s of sources) await s.close();
} else {
  const recipe = parseRecipe(await readFile(join(dir, `${mode}.yaml`), "utf8"), `${mode}.yaml`);
  const result = await merge(recipe, { output, baseDir: dir, threads });
  inputBytes = result.inputBytes;
}
const seconds = (performance.now() - started) / 1000;
await rm(output, { recursive: true, force: true });
console.log(JSON.stringify({ seconds, inputBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
