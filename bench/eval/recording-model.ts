/**
 * A LoadedModel that forwards to a real one and records every request it served as complete token
 * sequences (BOS included), so the raw llama.cpp baseline can replay exactly the same tokens.
 */
import type { GenerateRequest, LoadedModel, LoglikelihoodRequest } from "../../src/index.js";

/** One request as llama.cpp sees it, without any reuse between requests. */
export type RecordedRequest =
  /** log P(continuation | context): `tokens` is BOS + context + continuation, the last `scored` of them scored. */
  | { readonly kind: "loglikelihood"; readonly tokens: number[]; readonly scored: number }
  /** Greedy generation: `prompt` is BOS + prompt, then `generated` tokens were produced. */
  | { readonly kind: "generate"; readonly prompt: number[]; readonly generated: number };

/**
 * Tokens llama.cpp must decode for a request when nothing is reused (the eval benchmark's unit):
 * every token but the last (a scored continuation's last token, or the last generated one, is
 * never fed back).
 */
export function requestTokens(r: RecordedRequest): number {
  return r.kind === "loglikelihood" ? r.tokens.length - 1 : r.prompt.length + r.generated - 1;
}

export function recordingModel(model: LoadedModel, log: RecordedRequest[]): LoadedModel {
  const withBos = (tokens: readonly number[]) => (model.bos === undefined ? [...tokens] : [model.bos, ...tokens]);
  return {
    get path() {
      return model.path;
    },
    get contextSize() {
      return model.contextSize;
    },
    get bos() {
      return model.bos;
    },
    tokenize: (text) => model.tokenize(text),
    detokenize: (tokens) => model.detokenize(tokens),
    async loglikelihood(requests: readonly LoglikelihoodRequest[]) {
      const results = await model.loglikelihood(requests);
      for (const r of requests) {
        if (r.continuation.length > 0) log.push({ kind: "loglikelihood", tokens: [...withBos(r.context), ...r.continuation], scored: r.continuation.length });
      }
      return results;
    },
    async generate(requests: readonly GenerateRequest[]) {
      const outputs = await model.generate(requests);
      requests.forEach((r, i) => {
        // The returned text stops before the stop string, so the token that ended generation
        // (a stop string's token or end-of-generation) was produced too, unless maxTokens ran out.
        const generated = Math.min(model.tokenize(outputs[i]).length + 1, r.maxTokens);
        if (generated > 0) log.push({ kind: "generate", prompt: withBos(r.prompt), generated });
      });
      return outputs;
    },
    dispose: () => model.dispose(),
    [Symbol.asyncDispose]: () => model.dispose(),
  };
}
