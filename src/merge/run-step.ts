import { SmeltError } from "../errors.js";
import { bf16ToF32, decodeFloat, f16ToF32 } from "../tensor/codecs/index.js";
import type { DType } from "../tensor/dtype.js";
import { dequantize } from "../tensor/gguf/index.js";
import { createRandom, getMergeMethod, type ChunkedMerge, type ChunkedMergeSetup } from "../methods/index.js";
import { resetKernelScratch, scratchBytes, scratchFloats, simdFusedSumBf16, simdKernels } from "../methods/wasm/index.js";
import { chunkDecoder, chunkEncoder, chunkInputBytes, chunkPatcher, isChunkOutput } from "./chunk-io.js";
import { openInputBlocks, type InputBlocks } from "./input-blocks.js";
import { countNonFiniteValues, scanNonFinite, type NonFiniteCount } from "./non-finite.js";
import type { EncodedTensor, StepResult, StepTask } from "./step-task.js";

/**
 * Merges one step (or its part of an elementwise step): decode the inputs, check them for NaN/Inf,
 * run the method, encode the result into the shared output. Pure apart from the CPU it burns and
 * the output it fills; runs inline or inside a worker thread.
 */
export async function runStep(task: StepTask): Promise<StepResult> {
  // Kernel scratch holds one step's buffers (see methods/wasm/kernel-scratch.ts).
  resetKernelScratch();
  const count = task.shape.reduce((a, b) => a * b, 1);
  if (task.path === "whole") return runWhole(task, count);
  const form = chunkedForm(task.method, {
    tensorName: task.tensorName,
    shape: task.shape,
    models: task.inputs.length,
    hasBase: task.base !== undefined,
    params: task.params,
    perModel: task.perModel,
  });
  if (form?.kind !== task.path) throw new Error(`tensor "${task.tensorName}": ${task.method} has no ${task.path} chunked form for this step`);
  const inputs: InputBlocks[] = [];
  try {
    for (const [slot, t] of allInputs(task).entries()) {
      const size = chunkInputBytes(t.dtype);
      if (size === undefined) throw new SmeltError("internal", `tensor "${task.tensorName}": no chunked merge reads ${t.dtype}`);
      // Blocks of 32 chunks (with 16384-element chunks, a file read per MiB of bf16); 128 for
      // the elementwise steps, which read ahead in the background (a read costs its caller ~10 us).
      inputs.push(openInputBlocks(t, size, slot, (form.kind === "elementwise" ? 128 : 32) * task.chunk));
    }
    // Readers of small pieces (a sample before the passes), opened when the form asks, closed below.
    const openPieces = (t: EncodedTensor, slot: number): InputBlocks => {
      const blocks = openInputBlocks(t, chunkInputBytes(t.dtype)!, slot, PIECE_ELEMENTS);
      inputs.push(blocks);
      return blocks;
    };
    return form.kind === "elementwise" ? await runElementwise(task, form, inputs) : runPasses(task, form, count, inputs.slice(), openPieces);
  } finally {
    for (const input of inputs) await input.close();
  }
}

/** A method's chunked form for a step, if it has one (the executor asks before reading, the worker again). */
export function chunkedForm(method: string, setup: ChunkedMergeSetup<unknown, unknown>): ChunkedMerge | undefined {
  return getMergeMethod(method).chunked?.(setup);
}

function allInputs(task: StepTask): EncodedTensor[] {
  return task.base ? [...task.inputs, task.base] : [...task.inputs];
}

/** Elementwise: chunk by chunk over the task's range, decode (checking as it goes), map, encode. */
async function runElementwise(task: StepTask, form: Extract<ChunkedMerge, { kind: "elementwise" }>, inputs: readonly InputBlocks[]): Promise<StepResult> {
  const [start, end] = task.range;
  const size = task.chunk;
  const all = allInputs(task);
  const decoders = all.map((t, i) => chunkDecoder(t.dtype, inputs[i], true));
  const encode = encoder(task);
  const full = chunkScratch(all.length + 1, size);
  const models = task.inputs.length;
  const fullTensors = full.slice(0, models);
  let flagged = false;
  // A block of input at a time (what is read at once); chunk by chunk inside it, unless the whole
  // block merges in one fused call.
  const block = inputs[0].blockElements;
  const fused = fusedBlocks(task, form, all, inputs, block);
  try {
    merging: for (let from = start; from < end; from += block) {
      const to = Math.min(end, from + block);
      // Inputs are read a block ahead, in the background, while this block merges.
      for (let i = 0; i < inputs.length; i++) if (!inputs[i].has(from, to)) await inputs[i].ready(from, to, end);
      if (fused?.(from, to - from)) continue;
      for (let at = from; at < to; at += size) {
        const length = Math.min(size, to - at);
        const views = length === size ? full : full.map((b) => b.subarray(0, length));
        for (let i = 0; i < all.length; i++) if (!decoders[i](at, views[i])) flagged = true;
        // Refused: stop merging (the output is dropped), count what the whole range holds.
        if (flagged && task.nonFinite === "error") break merging;
        const out = views[all.length];
        form.map(length === size ? fullTensors : views.slice(0, models), task.base ? views[models] : undefined, out);
        encode(at, out);
      }
    }
  } catch (error) {
    return refusalFirst(error, task, all, inputs);
  }
  return { nonFinite: flagged ? countAll(all, inputs, start, end) : [] };
}

/**
 * The fused pass of an elementwise step (FusedSum in methods/chunked-merge.ts): each block summed
 * straight from the bf16 blocks the worker read into kernel memory to bf16 output, in one kernel
 * call instead of a decode per input and chunk, the sums and the encodes. Undefined where it does
 * not apply (no kernels, another dtype, inputs the executor read); a block it declines (an input
 * NaN/Inf, an output NaN) goes the separate way, chunk by chunk, which flags or handles it.
 */
function fusedBlocks(task: StepTask, form: Extract<ChunkedMerge, { kind: "elementwise" }>, all: readonly EncodedTensor[], inputs: readonly InputBlocks[], block: number): ((at: number, length: number) => boolean) | undefined {
  const fused = form.fused;
  const kernels = simdKernels();
  if (!fused || !kernels || task.outDtype !== "BF16" || task.output.byteOffset % 2 !== 0) return undefined;
  if (!all.every((t) => t.dtype === "BF16" && t.file !== undefined)) return undefined;
  if (fused.weights.length !== task.inputs.length || (fused.kind === "tensor-deltas") !== (task.base !== undefined)) return undefined;
  const staging = scratchBytes(2 * block);
  const halves = new Uint16Array(staging.buffer, staging.byteOffset, block);
  const out = new Uint16Array(task.output.buffer, task.output.byteOffset, task.output.byteLength >>> 1);
  const addresses = new Float64Array(all.length);
  return (at, length) => {
    for (let i = 0; i < all.length; i++) {
      const b = inputs[i].block(at, at + length);
      if (b.bytes.buffer !== kernels.buffer) return false;
      addresses[i] = b.bytes.byteOffset + (at - b.first) * 2;
    }
    if (!simdFusedSumBf16(fused, addresses, staging.byteOffset, length)) return false;
    out.set(length === block ? halves : halves.subarray(0, length), at - task.outputStart);
    return true;
  };
}

/** Elements read at least per read of a sampled piece (a whole block of every stored type). */
const PIECE_ELEMENTS = 256;

/** Multi-pass: the method reads its inputs as often as it needs, each read checked for NaN/Inf. */
function runPasses(task: StepTask, form: Extract<ChunkedMerge, { kind: "passes" }>, count: number, inputs: readonly InputBlocks[], openPieces: (t: EncodedTensor, slot: number) => InputBlocks): StepResult {
  const all = allInputs(task);
  // NaN/Inf are caught while the method reads (no pass of its own over every input); refused, the
  // merge stops at once and its output is dropped. Whatever of an input the method did not read in
  // order from its start is scanned after.
  let flagged = false;
  const checked = all.map(() => 0);
  const reader = (blocks: InputBlocks, i: number, track: boolean) => {
    const decode = chunkDecoder(all[i].dtype, blocks, true);
    return (start: number, dst: Float32Array) => {
      if (!decode(start, dst)) {
        flagged = true;
        if (task.nonFinite === "error") throw REFUSED;
      }
      if (track && start <= checked[i]) checked[i] = Math.max(checked[i], start + dst.length);
    };
  };
  const readers = all.map((_, i) => reader(inputs[i], i, true));
  const models = task.inputs.length;
  const sample = () => {
    // Slots after the inputs' own, so that their buffers stay apart.
    const pieces = all.map((t, i) => reader(openPieces(t, all.length + i), i, false));
    return { tensors: pieces.slice(0, models), base: task.base ? pieces[models] : undefined };
  };
  try {
    form.run({
      length: count,
      chunk: task.chunk,
      tensors: readers.slice(0, models),
      base: task.base ? readers[models] : undefined,
      write: encoder(task),
      patch: chunkPatcher(task.outDtype, task.output, task.outputStart),
      sample,
      random: createRandom(task.seed),
    });
  } catch (error) {
    if (error !== REFUSED) return refusalFirst(error, task, all, inputs);
  }
  if (!flagged) {
    for (let i = 0; i < all.length; i++) if (checked[i] < count && scanNonFinite(all[i].dtype, inputs[i], checked[i], count, i)) flagged = true;
  }
  return { nonFinite: flagged ? countAll(all, inputs, 0, count) : [] };
}

/** Thrown through a method's passes when an input holds NaN/Inf and they are refused. */
const REFUSED = Symbol("refused: NaN/Inf in an input");

/**
 * A task that failed part-way (typically an output Q8_0 cannot hold: NaN from 0/0) while NaN/Inf
 * inputs are refused: when an input of the tensor holds NaN/Inf anywhere, the refusal is the
 * answer, as on the whole-tensor path, which checks every input before it merges. The task then
 * reports what its own range holds (perhaps nothing: another part of the step reports it).
 */
function refusalFirst(error: unknown, task: StepTask, all: readonly EncodedTensor[], inputs: readonly InputBlocks[]): StepResult {
  if (task.nonFinite !== "error") throw error;
  const count = task.shape.reduce((a, b) => a * b, 1);
  const [start, end] = task.range;
  const whole = countAll(all, inputs, 0, count);
  if (whole.length === 0) throw error;
  // The tensor's counts are the task's when it covers the whole tensor (a multi-pass step, an unsplit one).
  return { nonFinite: start === 0 && end === count ? whole : countAll(all, inputs, start, end) };
}

/** NaN/Inf in elements [start, end) of each input. */
function countAll(all: readonly EncodedTensor[], inputs: readonly InputBlocks[], start: number, end: number): NonFiniteCount[] {
  const counts: NonFiniteCount[] = [];
  all.forEach((t, i) => {
    const c = scanNonFinite(t.dtype, inputs[i], start, end, i);
    if (c) counts.push(c);
  });
  return counts;
}

/** The straightforward path: decode whole tensors, call the method's `merge`, encode. */
function runWhole(task: StepTask, count: number): StepResult {
  const counts: NonFiniteCount[] = [];
  const decoded = allInputs(task).map((t, i) => {
    if (!t.bytes) throw new SmeltError("internal", `tensor "${task.tensorName}": the whole-tensor path needs its inputs read`);
    const data = decodeInto(t.dtype, t.bytes, count, scratch(i, count));
    const c = countNonFiniteValues(data, i);
    if (c) counts.push(c);
    return data;
  });
  if (counts.length > 0 && task.nonFinite === "error") return { nonFinite: counts };
  const models = task.inputs.length;
  const out = getMergeMethod(task.method).merge({
    tensorName: task.tensorName,
    shape: task.shape,
    tensors: decoded.slice(0, models),
    base: task.base ? decoded[models] : undefined,
    params: task.params,
    perModel: task.perModel,
    random: createRandom(task.seed),
  });
  encoder(task)(0, out);
  return { nonFinite: counts };
}

function encoder(task: StepTask): (start: number, values: Float32Array) => void {
  if (!isChunkOutput(task.outDtype, 32, 32)) {
    throw new SmeltError("dtype", `cannot write merged tensors as ${task.outDtype}; use F32, F16, BF16 or Q8_0`);
  }
  return chunkEncoder(task.outDtype, task.output, task.outputStart);
}

/**
 * Chunk buffers reused by every chunked step on this thread (a few KiB each): the whole working
 * set of a chunked merge, small enough to stay in the CPU caches. With the SIMD kernels they are
 * kernel scratch, taken afresh each step.
 */
let chunkBuffers: Float32Array[] = [];

function chunkScratch(count: number, size: number): Float32Array[] {
  if (simdKernels()) return Array.from({ length: count }, () => scratchFloats(size));
  if (chunkBuffers.length < count || chunkBuffers[0].length !== size) {
    chunkBuffers = Array.from({ length: Math.max(count, chunkBuffers.length) }, () => new Float32Array(size));
  }
  return chunkBuffers.slice(0, count);
}

/**
 * Decode buffers for the whole-tensor path, reused from one step to the next on this thread: a
 * fresh 64 MiB Float32Array costs more in page faults and zeroing than decoding into it. They grow
 * to the largest tensor seen and are released when the worker ends. Methods never keep their
 * inputs, so reuse is safe.
 */
const scratchBuffers: Float32Array[] = [];

function scratch(slot: number, count: number): Float32Array {
  const have = scratchBuffers[slot];
  if (have && have.length >= count) return have.subarray(0, count);
  const fresh = new Float32Array(count);
  scratchBuffers[slot] = fresh;
  return fresh;
}

/** Decodes into `dst` where the codec allows it (the common float types), else into a new array. */
function decodeInto(dtype: DType, bytes: Uint8Array, count: number, dst: Float32Array): Float32Array {
  const even = bytes.byteOffset % 4 === 0;
  if (dtype === "BF16" && even && bytes.byteLength === count * 2) return bf16ToF32(new Uint16Array(bytes.buffer, bytes.byteOffset, count), dst);
  if (dtype === "F16" && even && bytes.byteLength === count * 2) return f16ToF32(new Uint16Array(bytes.buffer, bytes.byteOffset, count), dst);
  if (dtype === "F32" && even && bytes.byteLength === count * 4) {
    dst.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
    return dst;
  }
  return decodeTensor(dtype, bytes, count);
}

/** Decodes any float or quantised dtype smelt reads to float32. */
export function decodeTensor(dtype: DType, bytes: Uint8Array, count: number): Float32Array {
  switch (dtype) {
    case "F64":
    case "F32":
    case "F16":
    case "BF16":
      return decodeFloat(dtype, bytes);
    case "Q8_0":
    case "Q4_0":
    case "Q4_1":
    case "Q5_0":
    case "Q5_1":
    case "Q4_K":
    case "Q5_K":
    case "Q6_K":
      return checkCount(dequantize(dtype, bytes), count, dtype);
    default:
      throw new SmeltError("dtype", `cannot decode dtype ${dtype} to float32`);
  }
}

function checkCount(data: Float32Array, count: number, dtype: DType): Float32Array {
  if (data.length !== count) throw new SmeltError("dtype", `a ${dtype} tensor decoded to ${data.length} values, expected ${count}`);
  return data;
}
