import type { GenerateRequest, LoadedModel, LoglikelihoodRequest } from "./backend.js";
import { ItemError } from "./doc-templates.js";

/** What request building needs from a model: its tokenizer, BOS and context size. */
export type ModelTokenizer = Pick<LoadedModel, "tokenize" | "bos" | "contextSize">;

/**
 * An lm-eval `loglikelihood` request for log P(continuation | context), tokenised as lm-eval's
 * HF model does: trailing whitespace of the context moves to the front of the continuation (so
 * " Paris" is scored as one word, not a dangling space), and the continuation's tokens are
 * encode(context + continuation) minus the first len(encode(context)) tokens, so tokens that merge
 * across the boundary are scored as the model would see them.
 *
 * Request contexts and prompts never contain BOS: the backend puts `model.bos` in front of every
 * request when the model has one (llama-loaded-model.ts), which also makes an empty context
 * scorable. A request must fit: BOS + context + continuation tokens <= model.contextSize. Unlike
 * lm-eval, which silently cuts the context from the left, a request that does not fit fails its item.
 */
export function loglikelihoodRequest(model: ModelTokenizer, context: string, continuation: string): LoglikelihoodRequest {
  const trimmed = context.trimEnd();
  const moved = context.slice(trimmed.length) + continuation;
  let contextTokens: number[];
  let continuationTokens: number[];
  if (trimmed === "") {
    contextTokens = [];
    continuationTokens = model.tokenize(moved);
  } else {
    contextTokens = model.tokenize(trimmed);
    continuationTokens = model.tokenize(trimmed + moved).slice(contextTokens.length);
  }
  if (contextTokens.length === 0 && model.bos === undefined) throw new ItemError("the context is empty and the model has no BOS token to condition on");
  if (continuationTokens.length === 0) throw new ItemError(`the continuation ${JSON.stringify(continuation)} encodes to no tokens`);
  checkFits(model, contextTokens.length + continuationTokens.length, `${contextTokens.length} context + ${continuationTokens.length} continuation tokens`);
  return { context: contextTokens, continuation: continuationTokens };
}

/** A greedy generate_until request; prompt plus max_gen_toks must fit the context. */
export function generateRequest(model: ModelTokenizer, context: string, until: readonly string[], maxTokens: number): GenerateRequest {
  const prompt = model.tokenize(context);
  if (prompt.length === 0 && model.bos === undefined) throw new ItemError("the prompt is empty and the model has no BOS token to start from");
  checkFits(model, prompt.length + maxTokens, `${prompt.length} prompt tokens + max_gen_toks ${maxTokens}`);
  return { prompt, until, maxTokens };
}

/**
 * lm-eval's `loglikelihood_rolling`: the whole text scored in disjoint windows of at most
 * `maxSeqLen` model inputs. The first window is conditioned on BOS alone (its context here is
 * empty: the backend adds BOS); later windows re-read up to `maxSeqLen` previous tokens as context
 * and score only tokens not scored before, so every token is scored exactly once. Each request
 * has at most maxSeqLen + 1 tokens besides BOS. Difference from lm-eval: later windows also start
 * with BOS, because the backend conditions every request on it.
 */
export function rollingRequests(tokens: readonly number[], maxSeqLen: number): LoglikelihoodRequest[] {
  if (!Number.isInteger(maxSeqLen) || maxSeqLen < 1) throw new RangeError(`maxSeqLen must be a positive integer, got ${maxSeqLen}`);
  const requests: LoglikelihoodRequest[] = [];
  if (tokens.length === 0) return requests;
  const first = Math.min(maxSeqLen, tokens.length);
  requests.push({ context: [], continuation: tokens.slice(0, first) });
  let predicted = first;
  while (predicted < tokens.length) {
    const count = Math.min(tokens.length - predicted, maxSeqLen);
    const end = predicted + count;
    // The model input is tokens[end - maxSeqLen - 1 .. end - 1); the first tokens of it that are
    // already scored become context (lm-eval's make_disjoint_window).
    const inputStart = Math.max(0, end - maxSeqLen - 1);
    requests.push({ context: tokens.slice(inputStart, predicted), continuation: tokens.slice(predicted, end) });
    predicted = end;
  }
  return requests;
}

function checkFits(model: ModelTokenizer, tokens: number, what: string): void {
  const bos = model.bos === undefined ? 0 : 1;
  if (bos + tokens > model.contextSize) {
    throw new ItemError(`context too long: ${bos ? "BOS + " : ""}${what} = ${bos + tokens} tokens exceed the model's context of ${model.contextSize}`);
  }
}
