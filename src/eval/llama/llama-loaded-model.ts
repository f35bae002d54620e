/**
 * One GGUF loaded in llama.cpp with one context of several sequences: smelt's `LoadedModel`.
 * Requests are validated before anything native runs (token ids out of the vocabulary would read
 * out of bounds in llama.cpp; items longer than a sequence would trigger node-llama-cpp's silent
 * context shift). Calls on one model are serialised, because the sequences' caches are shared
 * state. After `dispose()`, every call throws.
 */
import type { LlamaContext, LlamaModel, Token } from "node-llama-cpp";
import { EvalBackendError } from "../../errors.js";
import type { GenerateRequest, LoadedModel, LoglikelihoodRequest, LoglikelihoodResult } from "../backend.js";
import { runOnRunners } from "./run-on-runners.js";
import { SequenceRunner } from "./sequence-runner.js";

export class LlamaLoadedModel implements LoadedModel {
  readonly bos: number | undefined;
  private readonly runners: SequenceRunner[];
  private readonly vocabSize: number;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly path: string,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    reusePrefix: boolean,
    private readonly onDispose: (model: LlamaLoadedModel) => void,
  ) {
    const bos = model.tokens.bos;
    this.bos = model.tokens.shouldPrependBosToken && bos !== null ? bos : undefined;
    this.vocabSize = vocabularySize(model);
    this.runners = Array.from(
      { length: context.totalSequences },
      () => new SequenceRunner(context.getSequence(), model, reusePrefix),
    );
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  /** Tokens evaluated by llama.cpp over this model's lifetime, summed over its sequences. */
  get evaluatedTokens(): number {
    return this.runners.reduce((sum, r) => sum + r.evaluatedTokens, 0);
  }

  tokenize(text: string): number[] {
    this.assertLive();
    return this.model.tokenize(text, false);
  }

  detokenize(tokens: readonly number[]): string {
    this.assertLive();
    this.checkTokens(tokens, "detokenize input");
    return this.model.detokenize(tokens as readonly Token[], false);
  }

  async loglikelihood(requests: readonly LoglikelihoodRequest[]): Promise<LoglikelihoodResult[]> {
    this.assertLive();
    const prepared = requests.map((r, i) => {
      const what = `loglikelihood request ${i}`;
      this.checkTokens(r.context, `${what} context`);
      this.checkTokens(r.continuation, `${what} continuation`);
      const prefix = this.withBos(r.context);
      if (prefix.length === 0 && r.continuation.length > 0) {
        throw new EvalBackendError(`${what}: empty context and ${this.path} has no BOS token, so the first continuation token cannot be scored`);
      }
      this.checkFits(what, prefix.length + r.continuation.length, `context ${r.context.length} + continuation ${r.continuation.length}`);
      return { prefix, continuation: r.continuation };
    });
    // Requests with the same context (one question's choices) share a sequence: its context is decoded once.
    const sameContext = (a: (typeof prepared)[number], b: (typeof prepared)[number]) => a.prefix.length === b.prefix.length && a.prefix.every((t, i) => t === b.prefix[i]);
    return this.exclusive(() => runOnRunners(this.runners, prepared, (runner, r) => runner.loglikelihood(r.prefix, r.continuation), sameContext));
  }

  async generate(requests: readonly GenerateRequest[]): Promise<string[]> {
    this.assertLive();
    const prepared = requests.map((r, i) => {
      const what = `generate request ${i}`;
      this.checkTokens(r.prompt, `${what} prompt`);
      if (!Number.isInteger(r.maxTokens) || r.maxTokens < 0) {
        throw new EvalBackendError(`${what}: maxTokens must be a non-negative integer, got ${r.maxTokens}`);
      }
      const prompt = this.withBos(r.prompt);
      if (prompt.length === 0) throw new EvalBackendError(`${what}: empty prompt and ${this.path} has no BOS token`);
      this.checkFits(what, prompt.length + r.maxTokens, `prompt ${r.prompt.length} + maxTokens ${r.maxTokens}`);
      return { prompt, until: r.until, maxTokens: r.maxTokens };
    });
    return this.exclusive(() => runOnRunners(this.runners, prepared, (runner, r) => runner.generate(r.prompt, r.until, r.maxTokens)));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue; // let in-flight native calls finish before freeing what they use
    await this.context.dispose();
    await this.model.dispose();
    this.onDispose(this);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new EvalBackendError(`model ${this.path} was disposed; load it again to use it`);
  }

  private withBos(tokens: readonly number[]): number[] {
    return this.bos === undefined ? [...tokens] : [this.bos, ...tokens];
  }

  private checkTokens(tokens: readonly number[], what: string): void {
    for (const t of tokens) {
      if (!Number.isInteger(t) || t < 0 || t >= this.vocabSize) {
        throw new EvalBackendError(`${what}: token ${t} is outside the vocabulary of ${this.path} (0..${this.vocabSize - 1})`);
      }
    }
  }

  private checkFits(what: string, length: number, detail: string): void {
    if (length > this.contextSize) {
      const bos = this.bos === undefined ? "" : "BOS + ";
      throw new EvalBackendError(
        `${what} needs ${length} tokens (${bos}${detail}) but a context sequence of ${this.path} holds ${this.contextSize}; ` +
          `raise the backend's contextSize or shorten the item`,
      );
    }
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Rows of the embedding matrix (ggml dims are reversed: ne[1] is the vocabulary). */
function vocabularySize(model: LlamaModel): number {
  const embd = model.fileInfo.tensorInfo?.find((t) => t.name === "token_embd.weight");
  const rows = embd?.dimensions[1];
  if (rows !== undefined) return Number(rows);
  const tokens = model.fileInfo.metadata.tokenizer?.ggml?.tokens;
  if (tokens !== undefined) return tokens.length;
  throw new EvalBackendError(`${model.filename ?? "model"}: cannot tell the vocabulary size (no token_embd.weight, no tokenizer.ggml.tokens)`);
}
