import { SmeltError } from "../errors.js";
import { bf16ToF32, decodeFloat, encodeFloat, f16ToF32, isIntDType } from "../tensor/codecs/index.js";
import type { DType, FloatDType } from "../tensor/dtype.js";
import { dequantize, quantizeQ8_0 } from "../tensor/gguf/index.js";
import { createRandom, getMergeMethod } from "../methods/index.js";
import type { EncodedTensor, StepResult, StepTask } from "./step-task.js";

/**
 * Merges one tensor: decode the inputs, check them, run the method, encode the result. Pure
 * apart from the CPU it burns; runs inline or inside a worker thread.
 */
export function runStep(task: StepTask): StepResult {
  const warnings: string[] = [];
  const count = task.shape.reduce((a, b) => a * b, 1);
  const intInput = [...task.inputs, ...(task.base ? [task.base] : [])].find((t) => isIntDType(t.dtype));
  if (intInput) {
    // Integer tensors (position ids, masks) have no meaningful average: keep the first model's.
    const first = task.base ?? task.inputs[0];
    if (first.dtype !== task.outDtype && !isIntDType(task.outDtype)) {
      throw new SmeltError("dtype", `tensor "${task.tensorName}" is ${first.dtype} in model "${first.model}"; integer tensors are copied unchanged and cannot be written as ${task.outDtype}`);
    }
    return { bytes: first.bytes, warnings: [`tensor "${task.tensorName}" has integer dtype ${intInput.dtype}: copied from "${first.model}" unchanged`] };
  }
  let slot = 0;
  const decode = (t: EncodedTensor): Float32Array => {
    const data = decodeInto(t.dtype, t.bytes, count, scratch(slot++, count));
    checkFinite(task, t.model, data, warnings);
    return data;
  };
  const method = getMergeMethod(task.method);
  const out = method.merge({
    tensorName: task.tensorName,
    shape: task.shape,
    tensors: task.inputs.map(decode),
    base: task.base ? decode(task.base) : undefined,
    params: task.params,
    perModel: task.perModel,
    random: createRandom(task.seed),
  });
  return { bytes: encodeTensor(task.outDtype, out), warnings };
}

/**
 * Decode buffers reused from one step to the next on this thread: a fresh 64 MiB Float32Array costs
 * more in page faults and zeroing than decoding into it. They grow to the largest tensor seen and
 * are released when the worker ends. Methods never keep their inputs, so reuse is safe.
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

/** Encodes float32 data to an output dtype (float types and Q8_0). */
export function encodeTensor(dtype: DType, data: Float32Array): Uint8Array {
  if (dtype === "Q8_0") return quantizeQ8_0(data);
  if (dtype === "F64" || dtype === "F32" || dtype === "F16" || dtype === "BF16") return encodeFloat(dtype as FloatDType, data);
  throw new SmeltError("dtype", `cannot write merged tensors as ${dtype}; use F32, F16, BF16 or Q8_0`);
}

function checkFinite(task: StepTask, model: string, data: Float32Array, warnings: string[]): void {
  // Fast path: x * 0 is 0 for finite x and NaN for NaN/Inf, so one branch-free pass decides.
  let probe = 0;
  for (let i = 0; i < data.length; i++) probe += data[i] * 0;
  if (probe === 0) return;
  let bad = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad === 0) return;
  const what = `tensor "${task.tensorName}" of model "${model}" has ${bad} non-finite value(s) (first at flat index ${first}: ${data[first]})`;
  if (task.nonFinite === "error") {
    throw new SmeltError("non-finite", `${what}. The source checkpoint is damaged; pass --allow-nonfinite to merge anyway.`);
  }
  warnings.push(what);
}
