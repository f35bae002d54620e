/**
 * Streams a GGUF v3 file: the header (metadata and every tensor info, with offsets planned up front)
 * is written at creation, then each tensor's data in declared order, each padded to the alignment.
 * Everything goes to a temporary file next to the target, renamed into place by `commit()` and
 * deleted by `abort()`, so a failed merge never leaves a half-written model at the final path.
 */
import { randomBytes } from "node:crypto";
import { access, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { OutputError } from "../../errors.js";
import { appendParts } from "../append-parts.js";
import type { RawTensorHeader, TensorPayload, TensorSink } from "../tensor-source.js";
import { encodeGgufHeader } from "./encode-gguf-header.js";
import { checkRawHeader, encodeTensorPayload } from "./encode-tensor-payload.js";
import type { GgufMetadataEntry } from "./gguf-value.js";
import { planGgufLayout, type GgufTensorSpec, type PlannedTensor } from "./plan-gguf-layout.js";
import { resolveAlignment } from "./resolve-alignment.js";
import { openSequentialWriter, type SequentialFileWriter } from "../sequential-file-writer.js";

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
  /**
   * Write around the page cache (O_DIRECT, where the system allows it; see
   * sequential-file-writer.ts). Defaults to `false`.
   */
  readonly direct?: boolean;
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
  /** The file is written front to back: each write's bytes are appended after the previous one's. */
  private queue: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(
    options: GgufSinkOptions,
    private readonly writer: SequentialFileWriter,
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
   * Checks and encodes the next declared tensor, takes its place in the write queue synchronously,
   * then writes it. Queueing first makes overlapping `write` calls safe: each lands at its own
   * planned offset, in declared order.
   */
  async write(tensor: TensorPayload): Promise<void> {
    const planned = this.nextPlanned(tensor.name);
    const bytes = encodeTensorPayload(this.location, planned, tensor);
    await this.enqueue(planned, bytes.length, (append) => append(bytes));
  }

  /** Writes the next tensor's stored bytes as they arrive in parts (see TensorSink.writeParts). */
  async writeParts(tensor: RawTensorHeader, parts: AsyncIterable<Uint8Array>): Promise<void> {
    const planned = this.nextPlanned(tensor.name);
    checkRawHeader(this.location, planned, tensor);
    await this.enqueue(planned, planned.byteLength, (append) => appendParts(planned.name, planned.byteLength, parts, append));
  }

  private nextPlanned(name: string): PlannedTensor {
    this.checkOpen();
    const planned = this.planned[this.next];
    if (planned === undefined) {
      throw new OutputError(this.location, `tensor "${name}" was not declared (all ${this.planned.length} declared tensors are written)`);
    }
    if (name !== planned.name) {
      throw new OutputError(this.location, `tensors must arrive in declared order: expected "${planned.name}", got "${name}"`);
    }
    return planned;
  }

  /**
   * Takes the planned tensor's place (its `length` bytes and the padding after them) in the write
   * queue, then lets `emit` append its bytes. Failures of the file become OutputErrors; an error
   * of `emit`'s own source (a part that could not be made) passes through as it is.
   */
  private async enqueue(planned: PlannedTensor, length: number, emit: (append: (bytes: Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
    const pad = (this.alignment - (length % this.alignment)) % this.alignment;
    const at = this.position;
    this.position += length + pad;
    this.next++;
    let fileError = false;
    let fromSource = false;
    const append = (bytes: Uint8Array) =>
      this.writer.append(bytes).catch((cause: unknown) => {
        fileError = true;
        throw cause;
      });
    const done = this.queue.then(async () => {
      if (this.failed) throw new Error("an earlier tensor write failed");
      if (this.writer.position !== at) throw new Error(`internal: expected to be at byte ${at}, at ${this.writer.position}`);
      try {
        await emit(append);
      } catch (error) {
        fromSource = !fileError;
        throw error;
      }
      if (pad > 0) await append(this.padding.subarray(0, pad));
    });
    this.queue = done.catch(() => {});
    try {
      await done;
    } catch (cause) {
      this.failed = true;
      if (fromSource) throw cause;
      throw new OutputError(this.location, `writing tensor "${planned.name}" failed: ${(cause as Error).message}`, { cause });
    }
  }

  async commit(): Promise<void> {
    this.checkOpen();
    await this.queue;
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
      await this.writer.finish();
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
    await this.queue;
    await this.writer.abort();
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
  let writer: SequentialFileWriter;
  try {
    writer = await openSequentialWriter(tempPath, { direct: options.direct ?? false });
  } catch (cause) {
    throw new OutputError(path, `cannot create a temporary file in ${dirname(path)}: ${(cause as Error).message}`, { cause });
  }
  try {
    await writer.append(header);
  } catch (cause) {
    await writer.abort();
    await rm(tempPath, { force: true });
    throw new OutputError(path, `writing the GGUF header failed: ${(cause as Error).message}`, { cause });
  }
  return new GgufSink(options, writer, tempPath, planned, alignment, header.length);
}
