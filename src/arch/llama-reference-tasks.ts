/**
 * lm-eval's two request kinds computed with the float64 reference: the ground truth the llama.cpp
 * backend is tested against. Token lists are complete (include BOS when the model wants one).
 */
import type { LlamaReference } from "./llama-reference.js";

function argmax(row: Float64Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Sum of log P(continuation | context) and whether every continuation token was the argmax. */
export function referenceLoglikelihood(
  ref: LlamaReference,
  context: readonly number[],
  continuation: readonly number[],
): { logprob: number; isGreedy: boolean } {
  if (context.length === 0) throw new RangeError("referenceLoglikelihood: context must hold at least one token");
  const session = ref.session();
  let row: Float64Array = new Float64Array(0);
  for (const t of context) row = session.feed(t);
  let logprob = 0;
  let isGreedy = true;
  continuation.forEach((t, i) => {
    logprob += row[t];
    if (argmax(row) !== t) isGreedy = false;
    if (i < continuation.length - 1) row = session.feed(t);
  });
  return { logprob, isGreedy };
}

/** Greedy decode: up to `maxTokens` argmax tokens after `prompt`, stopping after any `stopTokens`. */
export function referenceGreedy(
  ref: LlamaReference,
  prompt: readonly number[],
  maxTokens: number,
  stopTokens: readonly number[] = [],
): number[] {
  const session = ref.session();
  let row: Float64Array = new Float64Array(0);
  for (const t of prompt) row = session.feed(t);
  const out: number[] = [];
  while (out.length < maxTokens) {
    const next = argmax(row);
    out.push(next);
    if (stopTokens.includes(next)) break;
    row = session.feed(next);
  }
  return out;
}
