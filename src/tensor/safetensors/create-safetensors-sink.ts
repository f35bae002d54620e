/**
 * Streaming safetensors writer (a TensorSink). Shards are planned up front from the declared
 * tensors, so every header is known before any data: each shard is written header first, then its
 * tensors as they arrive, to a temporary file in the output folder. `commit()` renames the shards
 * into place and writes the HF index last; `abort()` deletes the temporaries. Memory use is one
 * tensor at a time.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { OutputError, ShapeMismatchError } from "../../errors.js";
import { encodeFloat, isFloatDType } from "../codecs/codec.js";
import type { RawTensorHeader, TensorPayload, TensorSink } from "../tensor-source.js";
import { encodeSafetensorsHeader } from "./encode-safetensors-header.js";
import { DEFAULT_MAX_SHARD_BYTES, planShards, type DeclaredTensor, type PlannedTensor, type ShardPlan } from "./plan-shards.js";
import { appendParts } from "../append-parts.js";
import { openSequentialWriter, type SequentialFileWriter } from "../sequential-file-writer.js";

export interface SafetensorsSinkOptions {
  /** Output folder; created if missing. */
  readonly dir: string;
  /** Every tensor that will be written, in the order `write` will receive them. */
  readonly tensors: readonly DeclaredTensor[];
  /** Largest shard data size in bytes. Defaults to 5 GB (5e9), HF's `max_shard_size="5GB"`. */
  readonly maxShardBytes?: number;
  /** `__metadata__` of every shard. Defaults to `{ format: "pt" }`, which transformers checks for; given keys are added to it. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** File name stem. Defaults to `"model"` (`model.safetensors`, `model-00001-of-00002.safetensors`). */
  readonly filePrefix?: string;
  /** Replace an existing checkpoint with the same stem in `dir`. Defaults to `false`: refuse. */
  readonly overwrite?: boolean;
  /**
   * Write the shards around the page cache (O_DIRECT, where the system allows it; see
   * sequential-file-writer.ts). Defaults to `false`.
   */
  readonly direct?: boolean;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** A TensorSink writing HF-style safetensors shards. `await using` aborts it unless committed. */
export class SafetensorsSink implements TensorSink, AsyncDisposable {
  readonly location: string;
  /** The shard plan, fixed at creation. */
  readonly shards: readonly ShardPlan[];
  readonly #metadata: Readonly<Record<string, string>>;
  readonly #prefix: string;
  readonly #overwrite: boolean;
  readonly #order: readonly { shard: number; tensor: PlannedTensor }[];
  readonly #temps: readonly string[];
  readonly #indexTemp: string;
  readonly #headerCache = new Map<number, Uint8Array>();
  #next = 0;
  readonly #direct: boolean;
  #writer: SequentialFileWriter | undefined;
  #state: "open" | "busy" | "committed" | "aborted" = "open";

  constructor(options: Required<Omit<SafetensorsSinkOptions, "tensors" | "maxShardBytes">> & { shards: readonly ShardPlan[] }) {
    this.location = options.dir;
    this.#direct = options.direct;
    this.shards = options.shards;
    this.#metadata = options.metadata;
    this.#prefix = options.filePrefix;
    this.#overwrite = options.overwrite;
    this.#order = this.shards.flatMap((s, shard) => s.tensors.map((tensor) => ({ shard, tensor })));
    const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
    this.#temps = this.shards.map((s) => join(this.location, `.smelt-tmp-${tag}-${s.file}`));
    this.#indexTemp = join(this.location, `.smelt-tmp-${tag}-${this.#prefix}.safetensors.index.json`);
  }

  async write(payload: TensorPayload): Promise<void> {
    await this.#writeNext(payload.name, (declared) => {
      const bytes = this.#bytesFor(payload, declared);
      return (append) => append(bytes);
    });
  }

  async writeParts(tensor: RawTensorHeader, parts: AsyncIterable<Uint8Array>): Promise<void> {
    await this.#writeNext(tensor.name, (declared) => {
      this.#checkHeader(tensor.name, tensor.shape, declared);
      if (tensor.dtype !== declared.dtype) throw new OutputError(this.location, `tensor "${declared.name}": raw parts are ${tensor.dtype} but ${declared.dtype} was declared; raw bytes are copied, not converted`);
      return (append) => appendParts(declared.name, declared.byteLength, parts, append);
    });
  }

  /**
   * Writes the next declared tensor: `prepare` checks it against its declaration (before anything
   * is written) and returns what writes its bytes through `append`, in order.
   */
  async #writeNext(name: string, prepare: (declared: PlannedTensor) => (append: (bytes: Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
    this.#enter("write");
    try {
      const slot = this.#order[this.#next];
      if (slot === undefined) throw new OutputError(this.location, `tensor "${name}" is one more than the ${this.#order.length} declared`);
      const emit = prepare(slot.tensor);
      const writer = await this.#shardWriter(slot.shard);
      // Shards are written front to back: the header, then each tensor where the plan put it.
      if (writer.position !== this.#headerSize(slot.shard) + slot.tensor.begin) throw new OutputError(this.location, `internal: tensor "${name}" is not next in its shard`);
      await emit((bytes) =>
        writer.append(bytes).catch((cause: unknown) => {
          throw new OutputError(this.location, `writing tensor "${name}" failed: ${(cause as Error).message}`, { cause });
        }),
      );
      this.#next++;
      const following = this.#order[this.#next];
      if (following === undefined || following.shard !== slot.shard) await this.#finishShard();
    } finally {
      if (this.#state === "busy") this.#state = "open";
    }
  }

  async commit(): Promise<void> {
    this.#enter("commit");
    try {
      if (this.#next < this.#order.length) {
        throw new OutputError(this.location, `commit() after ${this.#next} of ${this.#order.length} tensors; next expected "${this.#order[this.#next].tensor.name}"`);
      }
      if (this.#order.length === 0) {
        // No tensors declared: no write() created the (single, empty) shard, but it must exist.
        await this.#shardWriter(0);
        await this.#finishShard();
      }
      const index = this.shards.length > 1 ? await this.#writeIndexTemp() : undefined;
      if (this.#overwrite) await this.#removeStale();
      for (let i = 0; i < this.shards.length; i++) await rename(this.#temps[i], join(this.location, this.shards[i].file));
      if (index !== undefined) await rename(index, join(this.location, `${this.#prefix}.safetensors.index.json`));
      this.#state = "committed";
    } catch (err) {
      if (this.#state === "busy") this.#state = "open";
      throw err instanceof OutputError ? err : new OutputError(this.location, `commit failed: ${(err as Error).message}`, { cause: err });
    }
  }

  async abort(): Promise<void> {
    if (this.#state === "committed" || this.#state === "aborted") return;
    this.#state = "aborted";
    await this.#writer?.abort();
    this.#writer = undefined;
    await Promise.all([...this.#temps, this.#indexTemp].map((p) => rm(p, { force: true })));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.abort();
  }

  #enter(what: string): void {
    if (this.#state !== "open") {
      const why = this.#state === "busy" ? "a previous call is still running (await each write)" : `the sink is already ${this.#state}`;
      throw new OutputError(this.location, `${what}() refused: ${why}`);
    }
    this.#state = "busy";
  }

  #checkHeader(name: string, shape: readonly number[], declared: PlannedTensor): void {
    if (name !== declared.name) {
      throw new OutputError(this.location, `expected tensor "${declared.name}" (number ${this.#next + 1} of ${this.#order.length}) but got "${name}"; tensors must arrive in the declared order`);
    }
    if (!sameShape(shape, declared.shape)) {
      throw new ShapeMismatchError(declared.name, `declared shape [${declared.shape.join(", ")}] but the payload has [${shape.join(", ")}]`);
    }
  }

  #bytesFor(payload: TensorPayload, declared: PlannedTensor): Uint8Array {
    this.#checkHeader(payload.name, payload.shape, declared);
    if (payload.kind === "raw") {
      if (payload.dtype !== declared.dtype) throw new OutputError(this.location, `tensor "${declared.name}": raw payload is ${payload.dtype} but ${declared.dtype} was declared; raw bytes are copied, not converted`);
      if (payload.bytes.byteLength !== declared.byteLength) throw new ShapeMismatchError(declared.name, `raw payload has ${payload.bytes.byteLength} bytes, expected ${declared.byteLength}`);
      return payload.bytes;
    }
    if (!isFloatDType(declared.dtype)) throw new OutputError(this.location, `tensor "${declared.name}" is declared ${declared.dtype}; float32 data can only be written to a float dtype (send a raw payload instead)`);
    const numel = declared.shape.reduce((a, b) => a * b, 1);
    if (payload.data.length !== numel) {
      throw new ShapeMismatchError(declared.name, `payload has ${payload.data.length} values but shape [${declared.shape.join(", ")}] needs ${numel}`);
    }
    if (declared.dtype === "F32") return new Uint8Array(payload.data.buffer, payload.data.byteOffset, payload.data.byteLength);
    return encodeFloat(declared.dtype, payload.data);
  }

  #headerSize(shard: number): number {
    return this.#headerBytes(shard).byteLength;
  }

  #headerBytes(shard: number): Uint8Array {
    let h = this.#headerCache.get(shard);
    if (h === undefined) {
      h = encodeSafetensorsHeader(this.shards[shard].tensors, this.#metadata);
      this.#headerCache.set(shard, h);
    }
    return h;
  }

  async #shardWriter(shard: number): Promise<SequentialFileWriter> {
    if (this.#writer !== undefined) return this.#writer;
    try {
      this.#writer = await openSequentialWriter(this.#temps[shard], { direct: this.#direct });
      await this.#writer.append(this.#headerBytes(shard));
      return this.#writer;
    } catch (cause) {
      throw new OutputError(this.location, `cannot create shard ${this.shards[shard].file}: ${(cause as Error).message}`, { cause });
    }
  }

  async #finishShard(): Promise<void> {
    const writer = this.#writer;
    this.#writer = undefined;
    if (writer === undefined) return;
    try {
      await writer.finish();
    } catch (cause) {
      await writer.abort();
      throw cause;
    }
  }

  async #writeIndexTemp(): Promise<string> {
    const weightMap: Record<string, string> = {};
    for (const s of this.shards) for (const t of s.tensors) Object.defineProperty(weightMap, t.name, { value: s.file, enumerable: true });
    const totalSize = this.shards.reduce((sum, s) => sum + s.dataBytes, 0);
    const path = this.#indexTemp;
    const handle = await open(path, "wx");
    try {
      await handle.writeFile(`${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`);
    } finally {
      await handle.close();
    }
    return path;
  }

  async #removeStale(): Promise<void> {
    const keep = new Set(this.shards.map((s) => s.file));
    for (const name of await readdir(this.location)) {
      if (!keep.has(name) && isCheckpointFile(name, this.#prefix)) await rm(join(this.location, name), { force: true });
    }
  }
}

/** Files that belong to a checkpoint with this stem: the single file, its shards, its index. */
function isCheckpointFile(name: string, prefix: string): boolean {
  if (name === `${prefix}.safetensors` || name === `${prefix}.safetensors.index.json`) return true;
  return name.startsWith(`${prefix}-`) && /^-\d{5}-of-\d{5}\.safetensors$/.test(name.slice(prefix.length));
}

/**
 * Creates the output folder and a sink for the declared tensors. Refuses (OutputError) when the
 * folder already holds a checkpoint with the same stem, unless `overwrite` is set.
 */
export async function createSafetensorsSink(options: SafetensorsSinkOptions): Promise<SafetensorsSink> {
  const { dir, tensors, maxShardBytes = DEFAULT_MAX_SHARD_BYTES, filePrefix = "model", overwrite = false, direct = false } = options;
  if (filePrefix.length === 0 || /[/\\\0]/.test(filePrefix)) throw new OutputError(dir, `filePrefix ${JSON.stringify(filePrefix)} must be a plain file name stem`);
  const shards = planShards(tensors, maxShardBytes, filePrefix, dir);
  const metadata = { format: "pt", ...options.metadata };
  try {
    await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw new OutputError(dir, `cannot create the output folder: ${(cause as Error).message}`, { cause });
  }
  if (!overwrite) {
    const existing = (await readdir(dir)).filter((n) => isCheckpointFile(n, filePrefix));
    if (existing.length > 0) {
      throw new OutputError(dir, `already holds a checkpoint (${existing.slice(0, 3).join(", ")}); choose another folder or pass overwrite: true`);
    }
  }
  return new SafetensorsSink({ dir, shards, metadata, filePrefix, overwrite, direct });
}
