/**
 * Streams a GGUF v3 file: the header (metadata and every tensor info, with offsets planned up front)
 * is written at creation, then each tensor's data in declared order, each padded to the alignment.
 * Everything goes to a temporary file next to the target, renamed into place by `commit()` and
 * deleted by `abort()`, so a failed merge never leaves a half-written model at the final path.
 */
import { randomBytes } from "node:crypto";
import { access, open, rename, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { OutputError } from "../../errors.js";
import type { TensorPayload, TensorSink } from "../tensor-source.js";
import { encodeGgufHeader } from "./encode-gguf-header.js";
import { encodeTensorPayload } from "./encode-tensor-payload.js";
import type { GgufMetadataEntry } from "./gguf-value.js";
import { planGgufLayout, type GgufTensorSpec, type PlannedTensor } from "./plan-gguf-layout.js";
import { resolveAlignment } from "./resolve-alignment.js";
import { writeAll } from "./write-all.js";

export interface GgufSinkOptions {
  /** Final file path. */
  readonly path: string;
  /** Metadata in the order it is written; values keep their GGUF types. */
  readonly metadata: readonly GgufMetadataEntry[];
  /** Every tensor the sink will receive, in the order `write` will be called. */
  readonly tensors: readonly GgufTensorSpec[];
  /** Data alignment. Defaults to `general.alignment` from `metadata`, else 32. */
  readonly alignment?: number;
  /** Replace an existing file at `path` on commit. Defaults to `false`. */
  readonly overwrite?: boolean;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

export class GgufSink implements TensorSink, AsyncDisposable {
  readonly location: string;
  private next = 0;
  private position: number;
  private state: "open" | "committed" | "aborted" = "open";
  private readonly padding: Uint8Array;
  private readonly overwrite: boolean;
  private readonly pending = new Set<Promise<void>>();
  private failed = false;

  constructor(
    options: GgufSinkOptions,
    private readonly handle: FileHandle,
    private readonly tempPath: string,
    private readonly planned: readonly PlannedTensor[],
    private readonly alignment: number,
    headerLength: number,
  ) {
    this.location = options.path;
    this.overwrite = options.overwrite ?? false;
    this.position = headerLength;
    this.padding = new Uint8Array(alignment);
  }

  private checkOpen(): void {
    if (this.state !== "open") throw new OutputError(this.location, `the GGUF sink was already ${this.state}`);
  }

  /**
   * Checks and encodes the next declared tensor, reserves its place synchronously, then writes it.
   * Reserving first makes overlapping `write` calls safe: each lands at its own planned offset.
   */
  async write(tensor: TensorPayload): Promise<void> {
    this.checkOpen();
    const planned = this.planned[this.next];
    if (planned === undefined) {
      throw new OutputError(this.location, `tensor "${tensor.name}" was not declared (all ${this.planned.length} declared tensors are written)`);
    }
    if (tensor.name !== planned.name) {
      throw new OutputError(this.location, `tensors must arrive in declared order: expected "${planned.name}", got "${tensor.name}"`);
    }
    const bytes = encodeTensorPayload(this.location, planned, tensor);
    const pad = (this.alignment - (bytes.length % this.alignment)) % this.alignment;
    const at = this.position;
    this.position += bytes.length + pad;
    this.next++;
    const done = (async () => {
      await writeAll(this.handle, bytes, at);
      if (pad > 0) await writeAll(this.handle, this.padding.subarray(0, pad), at + bytes.length);
    })();
    this.pending.add(done);
    try {
      await done;
    } catch (cause) {
      this.failed = true;
      throw new OutputError(this.location, `writing tensor "${planned.name}" failed: ${(cause as Error).message}`, { cause });
    } finally {
      this.pending.delete(done);
    }
  }

  async commit(): Promise<void> {
    this.checkOpen();
    await Promise.allSettled(this.pending);
    if (this.failed) throw new OutputError(this.location, "cannot commit: a tensor write failed; abort the sink");
    if (this.next < this.planned.length) {
      throw new OutputError(
        this.location,
        `cannot commit: ${this.planned.length - this.next} declared tensors were not written, starting with "${this.planned[this.next].name}"`,
      );
    }
    if (!this.overwrite && (await exists(this.location))) {
      await this.abort();
      throw new OutputError(this.location, "file already exists (it appeared while writing); pass overwrite: true to replace it");
    }
    try {
      await this.handle.sync();
      await this.handle.close();
      await rename(this.tempPath, this.location);
    } catch (cause) {
      await this.abort();
      throw new OutputError(this.location, `could not finish the file: ${(cause as Error).message}`, { cause });
    }
    this.state = "committed";
  }

  async abort(): Promise<void> {
    if (this.state !== "open") return;
    this.state = "aborted";
    await Promise.allSettled(this.pending);
    await this.handle.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }

  /** Aborts unless committed, so `await using sink = ...` never leaves a temporary file behind. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.abort();
  }
}

/** Validates the plan, writes the header to a temporary file and returns a sink for the data. */
export async function createGgufSink(options: GgufSinkOptions): Promise<GgufSink> {
  const { path } = options;
  const { alignment, metadata } = resolveAlignment(path, options.metadata, options.alignment);
  const planned = planGgufLayout(path, options.tensors, alignment);
  const header = encodeGgufHeader(path, metadata, planned, alignment);
  if (!(options.overwrite ?? false) && (await exists(path))) {
    throw new OutputError(path, "file already exists; pass overwrite: true to replace it");
  }
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(tempPath, "wx");
  } catch (cause) {
    throw new OutputError(path, `cannot create a temporary file in ${dirname(path)}: ${(cause as Error).message}`, { cause });
  }
  try {
    await writeAll(handle, header, 0);
  } catch (cause) {
    await handle.close().catch(() => undefined);
    await rm(tempPath, { force: true });
    throw new OutputError(path, `writing the GGUF header failed: ${(cause as Error).message}`, { cause });
  }
  return new GgufSink(options, handle, tempPath, planned, alignment, header.length);
}
