/**
 * Turns a TensorPayload into the bytes a GGUF sink stores for a planned tensor: float32 data is
 * encoded to the declared dtype (F32, F16, BF16, F64 or Q8_0); raw bytes are checked and copied.
 */
import { OutputError, ShapeMismatchError } from "../../errors.js";
import { encodeFloat } from "../codecs/codec.js";
import type { RawTensorHeader, TensorPayload } from "../tensor-source.js";
import type { PlannedTensor } from "./plan-gguf-layout.js";
import { quantizeQ8_0 } from "./quants/q8-0.js";

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Checks raw bytes' shape and dtype against the planned tensor (they are copied, not converted). */
export function checkRawHeader(path: string, planned: PlannedTensor, raw: RawTensorHeader): void {
  checkShape(planned, raw.shape);
  if (raw.dtype !== planned.dtype) {
    throw new OutputError(path, `tensor "${planned.name}" was declared ${planned.dtype} but raw ${raw.dtype} bytes were given`);
  }
}

function checkShape(planned: PlannedTensor, shape: readonly number[]): void {
  if (!sameShape(shape, planned.shape)) {
    throw new ShapeMismatchError(planned.name, `declared [${planned.shape.join(", ")}] but the payload is [${shape.join(", ")}]`);
  }
}

export function encodeTensorPayload(path: string, planned: PlannedTensor, payload: TensorPayload): Uint8Array {
  checkShape(planned, payload.shape);
  if (payload.kind === "raw") {
    checkRawHeader(path, planned, payload);
    if (payload.bytes.length !== planned.byteLength) {
      throw new OutputError(path, `tensor "${planned.name}" needs ${planned.byteLength} bytes of ${planned.dtype} but ${payload.bytes.length} were given`);
    }
    return payload.bytes;
  }
  if (payload.data.length !== planned.elements) {
    throw new ShapeMismatchError(planned.name, `shape [${planned.shape.join(", ")}] holds ${planned.elements} values but ${payload.data.length} were given`);
  }
  const dtype = planned.dtype;
  switch (dtype) {
    case "F32":
    case "F16":
    case "BF16":
    case "F64":
      return encodeFloat(dtype, payload.data);
    case "Q8_0":
      try {
        return quantizeQ8_0(payload.data);
      } catch (error) {
        throw new OutputError(path, `tensor "${planned.name}": ${(error as Error).message}`, { cause: error });
      }
    default:
      throw new OutputError(
        path,
        `tensor "${planned.name}" is declared ${dtype}; smelt cannot encode float32 to ${dtype}, so pass its raw bytes instead`,
      );
  }
}
