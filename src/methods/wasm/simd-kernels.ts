import { readFileSync } from "node:fs";

/**
 * The WebAssembly SIMD kernels (kernels.wasm, compiled from ./assembly by `npm run build:wasm`)
 * that the merge engine's hot loops run when the runtime supports WebAssembly SIMD, with their
 * memory. Chosen once per thread, at first use: the kernels when the module validates (SIMD
 * supported) and SMELT_SIMD is not "0", else none, and every caller keeps its TypeScript loop.
 *
 * Each kernel is the twin of a TypeScript loop and gives its bits; a caller uses it only when all
 * its arrays lie in the kernels' memory (see kernel-scratch.ts), and runs its own loop when the
 * kernel reports a result it cannot vouch for (NaN, whose bits may depend on operand order).
 */

/** The raw exports of kernels.wasm (pointers are byte offsets into `memory`). */
export interface KernelExports {
  heapBase(): number;
  decodeBf16(src: number, dst: number, n: number): number;
  decodeF16(src: number, dst: number, n: number): number;
  copyF32(src: number, dst: number, n: number): number;
  encodeBf16(src: number, dst: number, n: number): number;
  encodeF16(src: number, dst: number, n: number): number;
  weightedSum(tensors: number, weights: number, models: number, divisor: number, out: number, n: number): number;
  sumTaskVectors(deltas: number, ws: number, scales: number, models: number, base: number, divisor: number, lambda: number, out: number, n: number): number;
  sumTensorDeltas(tensors: number, ws: number, models: number, base: number, divisor: number, lambda: number, out: number, n: number): number;
  mix(v0: number, v1: number, a: number, b: number, out: number, n: number): number;
  weightedSumBf16(tensors: number, weights: number, models: number, divisor: number, out: number, n: number): number;
  sumTensorDeltasBf16(tensors: number, ws: number, models: number, base: number, divisor: number, lambda: number, out: number, n: number): number;
  tiesConsensus(deltas: number, scales: number, w: number, models: number, base: number, normalize: number, lambda: number, out: number, n: number): number;
  taskVector(x: number, base: number, out: number, n: number): number;
  taskVectorL1(x: number, base: number, out: number, n: number, sum: number): number;
  addL1(values: number, n: number, sum: number): number;
  fillDraws(state: number, jump: number, quarter: number, out: number, n: number): void;
  dropDraws(x: number, base: number, draws: number, cut: number, n: number, offset: number, keep: number, lanes: number): void;
  randomDrop(x: number, base: number, state: number, jump: number, quarter: number, draws: number, cut: number, n: number, offset: number, keep: number, lanes: number): void;
  applyKeepBits(delta: number, n: number, keep: number, start: number): number;
  addHighDigits(keys: number, n: number, even: number, odd: number): void;
  addLowDigits(keys: number, n: number, high: number, low: number): void;
  keepAtOrAbove(bits: number, n: number, key: number, ties: number): number;
  addTaskVectorHighDigits(x: number, base: number, n: number, even: number, odd: number): number;
  addTaskVectorLowDigits(x: number, base: number, n: number, high: number, low: number): number;
  flagCutBucket(bits: number, n: number, high: number, low: number, flags: number): void;
  trimTaskVectorAtBucket(x: number, base: number, out: number, n: number, high: number, low: number, flags: number): number;
  gatherFlagged(flags: number, n: number, start: number, sources: number, targets: number, arrays: number, indices: number, at: number, cap: number): number;
  trimTaskVectorInBracket(x: number, base: number, out: number, n: number, lo: number, hi: number, flags: number, above: number): number;
  gatherFlaggedBits(flags: number, n: number, start: number, sources: number, targets: number, arrays: number, indices: number, at: number, cap: number): number;
  addDots(v0: number, v1: number, n: number, sums: number): void;
  anyNonFinite16(src: number, n: number, mask: number): number;
  anyNonFinite32(src: number, n: number): number;
}

/**
 * Bytes of kernel memory per thread: fixed, so views into it never detach (a growing memory
 * would detach every view when it grows). Pages are committed only when first touched: a merge
 * touches its input blocks, chunk buffers, digit tables and DARE's keep bits (n/8 bytes per model).
 */
export const KERNEL_MEMORY_BYTES = 512 * 1024 * 1024;

/** Most tensors one kernel call takes (the size of its pointer and weight tables). */
export const MAX_KERNEL_MODELS = 256;

/**
 * The part of the WebAssembly global used here (TypeScript declares it only with the DOM
 * libraries, which this project does not load).
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: object };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface SimdKernels {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  /** The memory's buffer (fixed: the memory never grows). */
  readonly buffer: ArrayBuffer;
  /** First byte the scratch allocator may hand out, and the end of memory. */
  readonly scratchStart: number;
  readonly scratchEnd: number;
  /** Addresses of the argument tables: u32 pointers, and two float64 tables. */
  readonly pointerTable: number;
  readonly doubleTables: readonly [number, number];
  /** Views of the argument tables. */
  readonly pointers: Uint32Array;
  readonly doubles: readonly [Float64Array, Float64Array];
}

const PAGE = 65536;
const TABLE_BYTES = MAX_KERNEL_MODELS * 8;

let selected: SimdKernels | undefined | null = null;

/** The kernels of this thread, or undefined when the TypeScript loops run (no SIMD, or SMELT_SIMD=0). */
export function simdKernels(): SimdKernels | undefined {
  if (selected === null) selected = process.env.SMELT_SIMD === "0" ? undefined : loadKernels();
  return selected;
}

/**
 * Test hook: switches this thread between the kernels (when the runtime supports them) and the
 * TypeScript loops, so both paths can be compared in one process. Returns the previous state.
 */
export function useSimdKernels(enabled: boolean): boolean {
  const was = simdKernels() !== undefined;
  selected = enabled ? (loaded ??= loadKernels()) : undefined;
  return was;
}

let loaded: SimdKernels | undefined;

function loadKernels(): SimdKernels | undefined {
  const bytes = readKernelFile();
  if (typeof wasm?.validate !== "function" || !wasm.validate(bytes)) return undefined;
  const memory = new wasm.Memory({ initial: KERNEL_MEMORY_BYTES / PAGE, maximum: KERNEL_MEMORY_BYTES / PAGE });
  const instance = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  const pointerTable = align(exports.heapBase(), 64);
  const doubleTables = [pointerTable + TABLE_BYTES, pointerTable + 2 * TABLE_BYTES] as const;
  const buffer = memory.buffer;
  loaded = {
    exports,
    memory,
    buffer,
    scratchStart: align(pointerTable + 3 * TABLE_BYTES, 64),
    scratchEnd: KERNEL_MEMORY_BYTES,
    pointerTable,
    doubleTables,
    pointers: new Uint32Array(buffer, pointerTable, MAX_KERNEL_MODELS),
    doubles: [new Float64Array(buffer, doubleTables[0], MAX_KERNEL_MODELS), new Float64Array(buffer, doubleTables[1], MAX_KERNEL_MODELS)],
  };
  return loaded;
}

/** kernels.wasm beside this module (src/ under a TypeScript runner, dist/ when built). */
function readKernelFile(): Uint8Array {
  const url = new URL("./kernels.wasm", import.meta.url);
  try {
    return readFileSync(url);
  } catch (error) {
    throw new Error(`smelt's merge kernels are missing (${url.pathname}): the build copies kernels.wasm from src/methods/wasm; run \`npm run build\` again (${(error as Error).message})`);
  }
}

function align(at: number, to: number): number {
  return Math.ceil(at / to) * to;
}

/** Whether `view` lies in the kernels' memory. */
export function inKernelMemory(kernels: SimdKernels, view: ArrayBufferView): boolean {
  return view.buffer === kernels.buffer;
}

/** Whether every view of `views` lies in the kernels' memory. */
export function allInKernelMemory(kernels: SimdKernels, views: readonly ArrayBufferView[]): boolean {
  for (let i = 0; i < views.length; i++) if (views[i].buffer !== kernels.buffer) return false;
  return true;
}

/** Writes the addresses of `views` into the pointer table; returns its address. */
export function pointerTableOf(kernels: SimdKernels, views: readonly ArrayBufferView[]): number {
  const table = kernels.pointers;
  for (let i = 0; i < views.length; i++) table[i] = views[i].byteOffset;
  return kernels.pointerTable;
}

/** Writes `values` into float64 table `which`; returns its address. */
export function doubleTableOf(kernels: SimdKernels, which: 0 | 1, values: ArrayLike<number>): number {
  const table = kernels.doubles[which];
  for (let i = 0; i < values.length; i++) table[i] = values[i];
  return kernels.doubleTables[which];
}
