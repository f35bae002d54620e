/**
 * Names of well-known public benchmarks. Optimising a merge on one of them produces a model
 * that looks good on the leaderboard for the wrong reason (the search fits the test set), so a
 * search space refuses them as objectives unless `allow_public_benchmarks: true` is set, as
 * mergekit-evolve refuses its "naughty" tasks unless told otherwise.
 */
export const PUBLIC_BENCHMARKS: readonly string[] = [
  "mmlu",
  "mmlu_pro",
  "gsm8k",
  "hellaswag",
  "arc",
  "arc_easy",
  "arc_challenge",
  "winogrande",
  "truthfulqa",
  "mgsm",
  "humaneval",
  "mbpp",
  "bbh",
  "ifeval",
  "gpqa",
  "math",
  "hendrycks_math",
  "minerva_math",
  "musr",
  "piqa",
  "boolq",
  "openbookqa",
  "lambada",
  "drop",
  "agieval",
  "bigbench",
];

/**
 * The public benchmark a task name refers to, or undefined. Matches the name itself and the
 * usual lm-eval spellings built on it (`mmlu_abstract_algebra`, `arc_challenge`, `leaderboard_bbh`,
 * `gsm8k_cot`, `mgsm_direct_ja`): a benchmark word as a whole `_`/`-`/`.`-separated token.
 */
export function publicBenchmarkOf(taskName: string): string | undefined {
  const tokens = taskName.toLowerCase().split(/[_\-.\s/]+/);
  for (const b of PUBLIC_BENCHMARKS) {
    const parts = b.split("_");
    for (let i = 0; i + parts.length <= tokens.length; i++) {
      if (parts.every((p, k) => tokens[i + k] === p)) return b;
    }
  }
  return undefined;
}
