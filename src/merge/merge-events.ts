/**
 * Events a merge streams while it runs (house style §6, §10). The CLI renders them as a progress
 * bar or JSON lines; the search reads them to time its phases. Plain data, JSON-serialisable.
 */
export type MergeEvent =
  | {
      readonly event: "start";
      readonly method: string;
      readonly output: string;
      readonly format: "safetensors" | "gguf";
      readonly tensors: number;
      /** Bytes of input tensor data the merge will read. */
      readonly inputBytes: number;
      readonly threads: number;
    }
  | {
      readonly event: "tensor";
      readonly name: string;
      /** 1-based count of tensors written so far. */
      readonly done: number;
      readonly total: number;
      readonly inputBytesDone: number;
      readonly elapsedSeconds: number;
    }
  | { readonly event: "warning"; readonly message: string; readonly tensor?: string }
  | {
      readonly event: "done";
      readonly output: string;
      readonly tensors: number;
      readonly inputBytes: number;
      readonly outputBytes: number;
      readonly seconds: number;
    };

/** What a finished merge returns. */
export interface MergeResult {
  readonly output: string;
  readonly format: "safetensors" | "gguf";
  readonly tensors: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly seconds: number;
}
