/**
 * smelt's real inference backend: llama.cpp through node-llama-cpp, CPU only. One context per
 * loaded model with several sequences driven concurrently; scoring via `controlledEvaluate` with
 * filtered logits; greedy generation without penalties. See FIELD-NOTES §4 for why each setting is
 * what it is.
 */
import { stat } from "node:fs/promises";
import type { Llama, LlamaModel } from "node-llama-cpp";
import { EvalBackendError } from "../errors.js";
import type { BackendOptions, EvalBackend, LoadedModel } from "./backend.js";
import { LlamaLoadedModel } from "./llama/llama-loaded-model.js";
import { getSharedLlama, llamaErrorMark, llamaErrorsSince } from "./llama/shared-llama.js";

export interface LlamaBackendOptions extends BackendOptions {
  /**
   * Reuse the KV cache of the common token prefix between consecutive requests on a sequence.
   * Defaults to `true`; `false` re-evaluates every request from scratch (for tests and debugging).
   */
  readonly reusePrefix?: boolean;
}

/** Default tokens per sequence when `contextSize` is not given: the model's own, capped here. */
const DEFAULT_MAX_CONTEXT = 2048;
/** Default parallel sequences per context: enough to fill decode batches on 2 cores. */
const DEFAULT_SEQUENCES = 4;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withLlamaLog(message: string, mark: number): string {
  const lines = llamaErrorsSince(mark);
  return lines.length === 0 ? message : `${message}\nllama.cpp said:\n  ${lines.join("\n  ")}`;
}

function checkOptions(options: LlamaBackendOptions): void {
  const positiveInt = (name: string, v: number | undefined) => {
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) {
      throw new EvalBackendError(`llama backend option ${name} must be a positive integer, got ${v}`);
    }
  };
  positiveInt("threads", options.threads);
  positiveInt("contextSize", options.contextSize);
  positiveInt("sequences", options.sequences);
}

/**
 * Creates the llama.cpp backend. Threads are mandatory: llama.cpp's default is 40-500x slower here.
 * `threads` is also the process-wide budget node-llama-cpp splits between contexts, so models
 * loaded side by side share it instead of oversubscribing the cores. Requests carry no BOS: each
 * model prepends its own when its metadata asks for one (`LoadedModel.bos`). `dispose()` frees
 * every model this backend loaded; the shared native `Llama` stays for the process's lifetime.
 */
export async function createLlamaBackend(options: LlamaBackendOptions): Promise<EvalBackend> {
  checkOptions(options);
  let llama: Llama;
  try {
    llama = await getSharedLlama(options.threads);
  } catch (error) {
    throw new EvalBackendError(`cannot start llama.cpp (prebuilt CPU binary for this platform): ${describe(error)}`, { cause: error });
  }
  const loaded = new Set<LlamaLoadedModel>();
  let disposed = false;

  const loadModel = async (path: string): Promise<LoadedModel> => {
    if (disposed) throw new EvalBackendError(`cannot load ${path}: the llama backend was disposed`);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) {
      throw new EvalBackendError(`cannot load model ${path}: no such file`);
    }
    const mark = llamaErrorMark();
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
    } catch (error) {
      throw new EvalBackendError(
        withLlamaLog(`cannot load model ${path}: ${describe(error)} (is it a complete GGUF file of an architecture llama.cpp supports?)`, mark),
        { cause: error },
      );
    }
    try {
      const kv = options.kvCache ?? "F16";
      const context = await model.createContext({
        contextSize: options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_MAX_CONTEXT),
        sequences: options.sequences ?? DEFAULT_SEQUENCES,
        threads: options.threads,
        // Off for both cache types so they differ only in cache precision; the F32 cache is
        // ignored when flash attention is on (FIELD-NOTES §4).
        flashAttention: false,
        experimentalKvCacheKeyType: kv,
        experimentalKvCacheValueType: kv,
      });
      const handle = new LlamaLoadedModel(path, model, context, options.reusePrefix ?? true, (m) => loaded.delete(m));
      loaded.add(handle);
      return handle;
    } catch (error) {
      await model.dispose();
      throw new EvalBackendError(withLlamaLog(`cannot create a llama.cpp context for ${path}: ${describe(error)}`, mark), {
        cause: error,
      });
    }
  };

  const dispose = async (): Promise<void> => {
    disposed = true;
    await Promise.all([...loaded].map((m) => m.dispose()));
  };

  return { loadModel, dispose, [Symbol.asyncDispose]: dispose };
}
