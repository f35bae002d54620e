/**
 * The inference backend the evaluator talks to. The real one wraps node-llama-cpp
 * (llama-backend.ts); unit tests inject fakes. Token ids are plain numbers here.
 */

/** How llama.cpp stores its KV cache. F32 matches a float64 reference to ~1e-5; F16 to ~1e-2. */
export type KvCacheType = "F16" | "F32";

export interface BackendOptions {
  /** CPU threads for llama.cpp. Always explicit: the library default is 40-500x slower here. */
  readonly threads: number;
  /** Context window per sequence, in tokens. */
  readonly contextSize?: number;
  /** KV cache element type. Defaults to "F16" (llama.cpp's default). */
  readonly kvCache?: KvCacheType;
  /** Parallel sequences sharing one context. */
  readonly sequences?: number;
}

/** lm-eval `loglikelihood` request: log P(continuation | context). */
export interface LoglikelihoodRequest {
  readonly context: readonly number[];
  readonly continuation: readonly number[];
}

export interface LoglikelihoodResult {
  /** Sum of log-probs of the continuation tokens. */
  readonly logprob: number;
  /** Whether every continuation token was the argmax (lm-eval's `is_greedy`). */
  readonly isGreedy: boolean;
}

/** lm-eval `generate_until` request, decoded greedily with no penalties. */
export interface GenerateRequest {
  readonly prompt: readonly number[];
  readonly until: readonly string[];
  readonly maxTokens: number;
}

export interface LoadedModel extends AsyncDisposable {
  readonly path: string;
  /** Tokens per sequence the context holds. */
  readonly contextSize: number;
  /** BOS id to prepend when the model's metadata asks for it, else undefined. */
  readonly bos: number | undefined;
  tokenize(text: string): number[];
  detokenize(tokens: readonly number[]): string;
  loglikelihood(requests: readonly LoglikelihoodRequest[]): Promise<LoglikelihoodResult[]>;
  generate(requests: readonly GenerateRequest[]): Promise<string[]>;
  dispose(): Promise<void>;
}

export interface EvalBackend extends AsyncDisposable {
  loadModel(path: string): Promise<LoadedModel>;
  dispose(): Promise<void>;
}
