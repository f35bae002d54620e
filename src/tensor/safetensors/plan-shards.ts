/**
 * Splits a list of tensors into safetensors shards before any byte is written, the way HF's
 * `save_pretrained` does: tensors stay in declared order and a new shard starts when the next tensor
 * would push the current one past `maxShardBytes` (a tensor larger than the limit gets a shard of
 * its own). File names follow HF: `model-00001-of-00003.safetensors`, or `model.safetensors` alone.
 */
import { OutputError } from "../../errors.js";
import { dtypeByteSize } from "../codecs/codec.js";
import { SAFETENSORS_MAX_RANK } from "./limits.js";
import type { DType } from "../dtype.js";
import { describeUnsupportedDType, isSafetensorsDType, type SafetensorsDType } from "./safetensors-dtype.js";

/**
 * A tensor the caller promises to write. Any DType is accepted by the type so callers can pass
 * TensorInfo through; block-quantised types are rejected when planning (safetensors cannot hold them).
 */
export interface DeclaredTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A declared tensor placed in a shard; offsets are relative to the shard's data block. */
export interface PlannedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: SafetensorsDType;
  readonly byteLength: number;
  readonly begin: number;
  readonly end: number;
}

export interface ShardPlan {
  /** File name inside the output folder. */
  readonly file: string;
  readonly tensors: readonly PlannedTensor[];
  /** Sum of the shard's tensor bytes (the header is not counted, as in HF's total_size). */
  readonly dataBytes: number;
}

/** HF's default `max_shard_size` is "5GB" (decimal gigabytes). */
export const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;

/** Bytes a tensor of this dtype and shape occupies; validates the shape. */
export function tensorByteLength(t: DeclaredTensor, where: string): number {
  if (!isSafetensorsDType(t.dtype)) throw new OutputError(where, `tensor "${t.name}": ${describeUnsupportedDType(t.dtype)}`);
  if (t.shape.length > SAFETENSORS_MAX_RANK) throw new OutputError(where, `tensor "${t.name}": ${t.shape.length} dimensions is more than the maximum ${SAFETENSORS_MAX_RANK}`);
  let bytes = dtypeByteSize(t.dtype);
  for (const d of t.shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new OutputError(where, `tensor "${t.name}": dimension ${d} is not a non-negative integer`);
    bytes *= d;
  }
  if (!Number.isSafeInteger(bytes)) throw new OutputError(where, `tensor "${t.name}": shape [${t.shape.join(", ")}] is too large to address`);
  return bytes;
}

/** Shard file names for `count` shards. */
export function shardFileName(prefix: string, index: number, count: number): string {
  if (count === 1) return `${prefix}.safetensors`;
  const pad = (n: number) => String(n).padStart(5, "0");
  return `${prefix}-${pad(index + 1)}-of-${pad(count)}.safetensors`;
}

/**
 * Plans shards. Validates names (unique, not `__metadata__`), dtypes and shapes.
 * @param where - Output location, named in errors.
 */
export function planShards(tensors: readonly DeclaredTensor[], maxShardBytes: number, prefix: string, where: string): readonly ShardPlan[] {
  if (!(maxShardBytes > 0)) throw new OutputError(where, `maxShardBytes must be positive, got ${maxShardBytes}`);
  const seen = new Set<string>();
  const groups: PlannedTensor[][] = [[]];
  let size = 0;
  for (const t of tensors) {
    if (t.name === "__metadata__") throw new OutputError(where, `"__metadata__" is reserved by safetensors and cannot name a tensor`);
    if (seen.has(t.name)) throw new OutputError(where, `tensor "${t.name}" is declared twice`);
    seen.add(t.name);
    const byteLength = tensorByteLength(t, where);
    const dtype = t.dtype as SafetensorsDType; // checked by tensorByteLength
    let group = groups[groups.length - 1];
    if (group.length > 0 && size + byteLength > maxShardBytes) {
      group = [];
      groups.push(group);
      size = 0;
    }
    group.push({ name: t.name, shape: [...t.shape], dtype, byteLength, begin: size, end: size + byteLength });
    size += byteLength;
  }
  return groups.map((group, i) => ({
    file: shardFileName(prefix, i, groups.length),
    tensors: group,
    dataBytes: group.reduce((sum, t) => sum + t.byteLength, 0),
  }));
}
