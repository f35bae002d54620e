/**
 * `npm run bench -- io`: dtype codec throughput (bf16/f16/Q8_0 <-> f32) against a memcpy of the
 * same bytes measured in the same run, then safetensors streaming: writes a >= 1 GiB bf16 file in
 * os.tmpdir() through the sink (once around the page cache with O_DIRECT, once through it), reads
 * the second back tensor by tensor in a fresh child process (so its peak RSS is its own) and
 * deletes it. Peak RSS should track the largest tensor, not the file.
 *
 * Options (after `--`): `--mib N` size of the safetensors file in MiB (default 1088), `--keep`.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, open, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from "../src/tensor/codecs/index.js";
import { createSafetensorsSink, openSafetensors, type DeclaredTensor } from "../src/tensor/safetensors/index.js";

const MiB = 1024 * 1024;
const GB = 1e9;

/** CPU seconds (user + system) this process spent since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/**
 * Median CPU seconds per call of `fn`, after warm-up, over at least 7 calls and 0.5 s. CPU time,
 * not wall time: the benchmark box is shared, and wall time mostly measures the neighbours.
 */
function time(fn: () => unknown): number {
  for (let i = 0; i < 2; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 7 || performance.now() - start < 500) {
    const c0 = process.cpuUsage();
    fn();
    samples.push(cpuSeconds(c0));
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

function randomF32(n: number): Float32Array {
  const out = new Float32Array(n);
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 0.1; // weight-like magnitudes
  }
  return out;
}

interface Row {
  op: string;
  inBytes: number;
  outBytes: number;
  elements: number;
  seconds: number;
}

function memcpySeconds(bytes: number): number {
  const src = new Uint8Array(bytes).fill(1);
  const dst = new Uint8Array(bytes);
  return time(() => dst.set(src));
}

function printCodecRows(rows: Row[]): void {
  console.log("| op | Melem/s | in GB/s | out GB/s | memcpy of input bytes GB/s | ratio to memcpy |");
  console.log("|---|---|---|---|---|---|");
  const memcpy = new Map<number, number>();
  for (const r of rows) {
    if (!memcpy.has(r.inBytes)) memcpy.set(r.inBytes, memcpySeconds(r.inBytes));
    const base = memcpy.get(r.inBytes)!;
    const fmt = (x: number) => x.toFixed(2);
    console.log(`| ${r.op} | ${fmt(r.elements / r.seconds / 1e6)} | ${fmt(r.inBytes / r.seconds / GB)} | ${fmt(r.outBytes / r.seconds / GB)} | ${fmt(r.inBytes / base / GB)} | ${fmt(base / r.seconds)} |`);
  }
}

async function codecRows(n: number): Promise<Row[]> {
  const f32 = randomF32(n);
  const bf16 = f32ToBf16(f32);
  const f16 = f32ToF16(f32);
  const outF32 = new Float32Array(n);
  const out16 = new Uint16Array(n);
  const rows: Row[] = [
    { op: "bf16 -> f32", inBytes: 2 * n, outBytes: 4 * n, elements: n, seconds: time(() => bf16ToF32(bf16, outF32)) },
    { op: "f32 -> bf16", inBytes: 4 * n, outBytes: 2 * n, elements: n, seconds: time(() => f32ToBf16(f32, out16)) },
    { op: "f16 -> f32", inBytes: 2 * n, outBytes: 4 * n, elements: n, seconds: time(() => f16ToF32(f16, outF32)) },
    { op: "f32 -> f16", inBytes: 4 * n, outBytes: 2 * n, elements: n, seconds: time(() => f32ToF16(f32, out16)) },
  ];
  const gguf = (await import("../src/tensor/gguf/index.js").catch(() => ({}))) as Record<string, unknown>;
  const quantize = gguf.quantizeQ8_0 as ((src: Float32Array) => Uint8Array) | undefined;
  const dequantize = gguf.dequantizeQ8_0 as ((src: Uint8Array, dst?: Float32Array) => Float32Array) | undefined;
  if (typeof quantize === "function" && typeof dequantize === "function") {
    const q = quantize(f32);
    rows.push({ op: "Q8_0 -> f32", inBytes: q.byteLength, outBytes: 4 * n, elements: n, seconds: time(() => dequantize(q, outF32)) });
    rows.push({ op: "f32 -> Q8_0", inBytes: 4 * n, outBytes: q.byteLength, elements: n, seconds: time(() => quantize(f32)) });
  } else {
    console.log("(Q8_0 skipped: src/tensor/gguf does not export quantizeQ8_0/dequantizeQ8_0)");
  }
  return rows;
}

/** A llama-ish tensor list: big bf16 matrices plus small f32 norms, about `mib` MiB in total. */
function syntheticTensors(mib: number): DeclaredTensor[] {
  const matrixBytes = 4096 * 4096 * 2; // 32 MiB
  const out: DeclaredTensor[] = [{ name: "model.embed_tokens.weight", shape: [16384, 4096], dtype: "BF16" }]; // 128 MiB, the largest
  let bytes = 128 * MiB;
  for (let layer = 0; bytes < mib * MiB; layer++) {
    out.push({ name: `model.layers.${layer}.input_layernorm.weight`, shape: [4096], dtype: "F32" });
    out.push({ name: `model.layers.${layer}.self_attn.q_proj.weight`, shape: [4096, 4096], dtype: "BF16" });
    out.push({ name: `model.layers.${layer}.mlp.up_proj.weight`, shape: [4096, 4096], dtype: "BF16" });
    bytes += 4096 * 4 + 2 * matrixBytes;
  }
  return out;
}

interface ReadResult {
  rawSeconds: number;
  rawCpuSeconds: number;
  f32Seconds: number;
  f32CpuSeconds: number;
  fileBytes: number;
  largestTensorBytes: number;
  rssBeforeBytes: number;
  maxRssBytes: number;
}

/** Child-process side: read every tensor raw, then as f32, and report timings and peak RSS. */
async function childRead(path: string): Promise<void> {
  const rssBeforeBytes = process.memoryUsage().rss;
  await using source = await openSafetensors(path);
  const infos = source.list();
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  for (const t of infos) await source.readRaw(t.name);
  const rawSeconds = (performance.now() - t0) / 1000;
  const rawCpuSeconds = cpuSeconds(c0);
  t0 = performance.now();
  c0 = process.cpuUsage();
  for (const t of infos) await source.readF32(t.name);
  const f32Seconds = (performance.now() - t0) / 1000;
  const f32CpuSeconds = cpuSeconds(c0);
  const result: ReadResult = {
    rawSeconds,
    rawCpuSeconds,
    f32Seconds,
    f32CpuSeconds,
    fileBytes: infos.reduce((s, t) => s + t.byteLength, 0),
    largestTensorBytes: Math.max(...infos.map((t) => t.byteLength)),
    rssBeforeBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function plainRead(path: string): Promise<{ wall: number; cpu: number }> {
  const handle = await open(path, "r");
  const buf = new Uint8Array(64 * MiB);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    let pos = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.byteLength, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds(c0) };
}

async function safetensorsBench(mib: number, keep: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "smelt-bench-io-"));
  try {
    const tensors = syntheticTensors(mib);
    const values = randomF32(16384 * 4096);
    const writeAll = async (to: string, direct: boolean) => {
      const sink = await createSafetensorsSink({ dir: to, tensors, direct });
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (const t of tensors) {
        const n = t.shape.reduce((a, b) => a * b, 1);
        await sink.write({ kind: "f32", name: t.name, shape: t.shape, data: values.subarray(0, n) });
      }
      await sink.commit();
      return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds(c0) };
    };
    // Around the page cache first (into its own folder, deleted), then through it: the reads below
    // are of the second file, from the page cache.
    const direct = await writeAll(join(dir, "direct"), true);
    await rm(join(dir, "direct"), { recursive: true, force: true });
    const write = await writeAll(dir, false);
    const path = join(dir, "model.safetensors");
    const plain = await plainRead(path);
    const childArgs = [...process.execArgv, fileURLToPath(import.meta.url), "--child-read", path];
    const r = JSON.parse(execFileSync(process.execPath, childArgs, { encoding: "utf8" })) as ReadResult;
    const gb = r.fileBytes / GB;
    const mb = (x: number) => `${(x / MiB).toFixed(0)} MiB`;
    console.log(`\n## safetensors streaming: ${tensors.length} tensors, ${gb.toFixed(2)} GB (${mb(r.fileBytes)}), largest tensor ${mb(r.largestTensorBytes)} (bf16; ${mb(2 * r.largestTensorBytes)} as f32)`);
    const row = (label: string, wall: number, cpu: number) =>
      console.log(`| ${label} | ${wall.toFixed(2)} | ${(gb / wall).toFixed(2)} | ${cpu.toFixed(2)} | ${(gb / cpu).toFixed(2)} | ${(plain.cpu / cpu).toFixed(2)} |`);
    console.log("| phase | wall s | wall GB/s | CPU s | GB/s per CPU-second | ratio to plain read (CPU) |");
    console.log("|---|---|---|---|---|---|");
    row("baseline: plain sequential fs read, 64 MiB chunks", plain.wall, plain.cpu);
    row("readRaw, tensor by tensor", r.rawSeconds, r.rawCpuSeconds);
    row("readF32 (read + bf16 -> f32), tensor by tensor", r.f32Seconds, r.f32CpuSeconds);
    row("write (sink: f32 -> bf16 + write + fsync)", write.wall, write.cpu);
    row("write around the page cache (direct: true; what `smelt merge` does)", direct.wall, direct.cpu);
    console.log(`reader process: RSS before reading ${mb(r.rssBeforeBytes)}, peak RSS ${mb(r.maxRssBytes)} (file ${mb(r.fileBytes)}); peak - before = ${mb(r.maxRssBytes - r.rssBeforeBytes)}`);
    console.log("(the file was just written, so reads are served from the page cache: this measures smelt's overhead, not the disk)");
    if (keep) console.log(`kept ${path}`);
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

export default async function main(args: string[]): Promise<void> {
  const mibArg = args.indexOf("--mib");
  const mib = mibArg >= 0 ? Number(args[mibArg + 1]) : 1088;
  const n = 16 * MiB; // elements per codec run: 32 MiB of bf16, 64 MiB of f32
  console.log(`# io benchmark (node ${process.version}, one thread, load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`);
  console.log(`\n## codecs, ${n / MiB}Mi elements per call (median CPU time)`);
  printCodecRows(await codecRows(n));
  await safetensorsBench(mib, args.includes("--keep"));
}

if (process.argv[2] === "--child-read" && process.argv[3] !== undefined) await childRead(process.argv[3]);
