/**
 * A TensorSource over the shards of an HF checkpoint: each tensor is served by the shard the
 * index assigns it to. Every shard's header is validated at open; the tensors themselves are read
 * on demand, one at a time.
 */
import { TensorFormatError } from "../../errors.js";
import type { ByteSpan, RawTensor, TensorInfo, TensorSource } from "../tensor-source.js";
import type { SafetensorsSource } from "./open-safetensors.js";

export class ShardedSafetensorsSource implements TensorSource {
  readonly location: string;
  /** The index's `metadata` object. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly #shards: readonly SafetensorsSource[];
  readonly #owner: ReadonlyMap<string, SafetensorsSource>;
  readonly #infos: readonly TensorInfo[];

  /**
   * @param assignment - Tensor name -> the opened shard holding it. Names are listed in shard order,
   *   then file order within a shard, which is the order a sequential reader wants.
   */
  constructor(location: string, shards: readonly SafetensorsSource[], assignment: ReadonlyMap<string, SafetensorsSource>, metadata: Readonly<Record<string, unknown>>) {
    this.location = location;
    this.metadata = metadata;
    this.#shards = shards;
    this.#owner = assignment;
    this.#infos = Object.freeze(shards.flatMap((s) => s.list().filter((i) => assignment.get(i.name) === s)));
  }

  list(): readonly TensorInfo[] {
    return this.#infos;
  }

  info(name: string): TensorInfo | undefined {
    return this.#owner.get(name)?.info(name);
  }

  async readF32(name: string): Promise<Float32Array> {
    return this.#shardOf(name).readF32(name);
  }

  async readRaw(name: string): Promise<RawTensor> {
    return this.#shardOf(name).readRaw(name);
  }

  async readRawInto(name: string, into: Uint8Array): Promise<RawTensor> {
    return this.#shardOf(name).readRawInto(name, into);
  }

  byteSpan(name: string): ByteSpan {
    return this.#shardOf(name).byteSpan(name);
  }

  async close(): Promise<void> {
    await Promise.all(this.#shards.map((s) => s.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #shardOf(name: string): SafetensorsSource {
    const shard = this.#owner.get(name);
    if (shard === undefined) {
      throw new TensorFormatError(this.location, `no tensor named "${name}" in the checkpoint (${this.#infos.length} tensors; list() shows them)`);
    }
    return shard;
  }
}
