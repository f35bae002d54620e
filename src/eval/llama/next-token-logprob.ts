/**
 * log P(target) from what `controlledEvaluate` returns for one position, without asking llama.cpp
 * for a full-vocabulary map (FIELD-NOTES §4). With greedy sampling the selected token is the
 * argmax, so its logit is the max logit, and `totalLogitWeight` = Σ exp(logit - maxLogit):
 *   log p(target) = logit[target] - maxLogit - ln(totalLogitWeight).
 * The logits are taken after the sampler chain, which is why scoring never passes penalties or
 * token bias.
 */
import type { ControlledEvaluateIndexOutput, Token } from "node-llama-cpp";
import { EvalBackendError } from "../../errors.js";

/** The `generateNext` options that make `controlledEvaluate` return what {@link nextTokenLogprob} needs. */
export function scoringOptions(target: number) {
  return {
    generateNext: {
      token: true,
      totalLogitWeight: true,
      logits: { filter: { tokens: [target as Token], includeSelected: true } },
    },
  } as const;
}

/** Log-probability of `target` and whether it is the greedy choice. */
export function nextTokenLogprob(
  output: ControlledEvaluateIndexOutput | undefined,
  target: number,
): { logprob: number; isGreedy: boolean } {
  const next = output?.next;
  const selected = next?.token;
  const logits = next?.logits;
  const weight = next?.totalLogitWeight;
  if (selected == null || logits === undefined || weight === undefined) {
    throw new EvalBackendError("llama.cpp returned no logits for a scored position (controlledEvaluate output incomplete)");
  }
  const maxLogit = logits.get(selected);
  const targetLogit = logits.get(target as Token);
  if (maxLogit === undefined || targetLogit === undefined) {
    throw new EvalBackendError(`llama.cpp's filtered logits lack token ${target} or the selected token ${selected}`);
  }
  return { logprob: targetLogit - maxLogit - Math.log(weight), isGreedy: selected === target };
}
