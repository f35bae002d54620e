import type { GenerateRequest, LoadedModel, LoglikelihoodRequest, LoglikelihoodResult } from "../../src/eval/backend.js";

/**
 * A deterministic stand-in for a llama.cpp model. Two tokenizers:
 * - "bytes": token id = UTF-8 byte (like smelt's toy GGUF vocabulary);
 * - "words": GPT-2-like pieces, a word with its leading whitespace is one token, so tokens merge
 *   across a context/continuation boundary exactly where real BPE tokenizers do.
 * Log-probs and generations come from scripts given as functions of decoded text, and every
 * request is recorded for assertions. Like the real backend, the BOS is implicit: requests
 * arrive without it and the fake accounts for it when checking lengths.
 */
export interface FakeModelOptions {
  readonly tokenizer?: "bytes" | "words";
  readonly contextSize?: number;
  /** Defaults to 100_000 (a model that wants BOS); pass null for none. */
  readonly bos?: number | null;
  /** log P(continuation | context), from the decoded texts. Defaults to -1 per continuation token. */
  readonly score?: (context: string, continuation: string, request: LoglikelihoodRequest) => number;
  readonly generate?: (prompt: string, request: GenerateRequest) => string;
}

export interface FakeModel extends LoadedModel {
  readonly loglikelihoodCalls: LoglikelihoodRequest[][];
  readonly generateCalls: GenerateRequest[][];
  disposed: boolean;
}

export function fakeModel(options: FakeModelOptions = {}): FakeModel {
  const vocabulary = new Map<string, number>();
  const pieces: string[] = [];
  const words = options.tokenizer === "words";
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const bos = options.bos === null ? undefined : (options.bos ?? 100_000);
  const contextSize = options.contextSize ?? 4096;

  const tokenize = (text: string): number[] => {
    if (!words) return [...encoder.encode(text)];
    return (text.match(/\s*\S+|\s+/g) ?? []).map((piece) => {
      let id = vocabulary.get(piece);
      if (id === undefined) {
        id = pieces.length;
        pieces.push(piece);
        vocabulary.set(piece, id);
      }
      return id;
    });
  };
  const detokenize = (tokens: readonly number[]): string =>
    words ? tokens.map((t) => pieces[t]).join("") : decoder.decode(new Uint8Array(tokens));

  const model: FakeModel = {
    path: "/fake/model.gguf",
    contextSize,
    bos,
    loglikelihoodCalls: [],
    generateCalls: [],
    disposed: false,
    tokenize,
    detokenize,
    async loglikelihood(requests) {
      model.loglikelihoodCalls.push([...requests]);
      return requests.map((r): LoglikelihoodResult => {
        const length = (bos === undefined ? 0 : 1) + r.context.length + r.continuation.length;
        if (length > contextSize) throw new Error(`fake model: request of ${length} tokens exceeds ${contextSize}`);
        const logprob = options.score
          ? options.score(detokenize(r.context), detokenize(r.continuation), r)
          : -r.continuation.length;
        return { logprob, isGreedy: false };
      });
    },
    async generate(requests) {
      model.generateCalls.push([...requests]);
      return requests.map((r) => (options.generate ? options.generate(detokenize(r.prompt), r) : ""));
    },
    async dispose() {
      model.disposed = true;
    },
    async [Symbol.asyncDispose]() {
      await model.dispose();
    },
  };
  return model;
}
