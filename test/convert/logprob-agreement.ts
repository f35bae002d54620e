/**
 * Shared by the conversion tests: how far llama.cpp's next-token log-probs on a GGUF are from a
 * float64 reference's, over every position of a token sequence.
 */
import type { DecoderReference } from "../../src/arch/decoder-reference.js";
import type { LoadedModel } from "../../src/eval/backend.js";

/**
 * Largest |llama.cpp - reference| over the log-prob of each token of `tokens` given the ones
 * before it (and the model's BOS when it adds one; without BOS the first token is context only).
 */
export async function maxLogprobError(model: LoadedModel, ref: DecoderReference, tokens: readonly number[]): Promise<number> {
  const full = model.bos === undefined ? [...tokens] : [model.bos, ...tokens];
  const rows = ref.logProbs(full);
  const first = model.bos === undefined ? 1 : 0;
  const requests = tokens.slice(first).map((t, k) => ({ context: tokens.slice(0, first + k), continuation: [t] }));
  const got = await model.loglikelihood(requests);
  const offset = model.bos === undefined ? 0 : 1;
  return Math.max(...got.map((g, k) => Math.abs(g.logprob - rows[first + k - 1 + offset][tokens[first + k]])));
}
