import { z } from "zod";

/**
 * The subset of lm-evaluation-harness task YAML that smelt understands (docs/eval-tasks.md).
 * Keys keep lm-eval's names and defaults so a task file reads the same in both tools; anything
 * outside the subset is refused with a listed issue instead of being silently ignored, because an
 * ignored `process_docs` or `doc_to_decontamination_query` would change what is measured.
 */

/** More shots than this would not fit the context of the models smelt evaluates anyway. */
export const MAX_NUM_FEWSHOT = 64;
/** lm-eval's default `max_gen_toks`. */
export const DEFAULT_MAX_GEN_TOKS = 256;
/** Generation lengths beyond this are almost certainly a typo for a toy or small model. */
export const MAX_GEN_TOKS_LIMIT = 8192;
/** lm-eval's default few-shot seed (`--fewshot_seed`). */
export const DEFAULT_FEWSHOT_SEED = 1234;

export const taskOutputTypes = ["multiple_choice", "generate_until", "loglikelihood_rolling"] as const;
export type TaskOutputType = (typeof taskOutputTypes)[number];

const filterStepSchema = z.discriminatedUnion("function", [
  z.strictObject({ function: z.literal("take_first") }),
  z.strictObject({
    function: z.literal("regex"),
    regex_pattern: z.string().default("#### (\\-?[0-9\\.\\,]+)").describe("Pattern searched in the response (findall)"),
    group_select: z.number().int().default(0).describe("Which match to keep; negative counts from the end"),
    fallback: z.string().default("[invalid]").describe("Output when nothing matches"),
  }),
  z.strictObject({ function: z.literal("remove_whitespace") }),
  z.strictObject({ function: z.literal("strip") }),
  z.strictObject({ function: z.literal("lowercase") }),
  z.strictObject({ function: z.literal("uppercase") }),
]);
export type FilterStep = z.infer<typeof filterStepSchema>;

const filterSchema = z.strictObject({
  name: z.string().min(1),
  filter: z.array(filterStepSchema).min(1),
});
export type ResponseFilter = z.infer<typeof filterSchema>;

const common = { aggregation: z.string().optional(), higher_is_better: z.boolean().optional() };
const metricEntrySchema = z.discriminatedUnion("metric", [
  z.strictObject({ metric: z.literal("acc"), ...common }),
  z.strictObject({ metric: z.literal("acc_norm"), ...common }),
  z.strictObject({
    metric: z.literal("exact_match"),
    ...common,
    ignore_case: z.boolean().default(false),
    ignore_punctuation: z.boolean().default(false),
    ignore_numbers: z.boolean().default(false),
    regexes_to_ignore: z.array(z.string()).default([]),
  }),
  z.strictObject({ metric: z.literal("word_perplexity"), ...common }),
  z.strictObject({ metric: z.literal("byte_perplexity"), ...common }),
  z.strictObject({ metric: z.literal("bits_per_byte"), ...common }),
]);
export type MetricEntry = z.infer<typeof metricEntrySchema>;
export type MetricName = MetricEntry["metric"];

/** Which output type each metric belongs to, and lm-eval's aggregation name for it. */
export const metricInfo: Record<MetricName, { outputType: TaskOutputType; aggregation: string; higherIsBetter: boolean }> = {
  acc: { outputType: "multiple_choice", aggregation: "mean", higherIsBetter: true },
  acc_norm: { outputType: "multiple_choice", aggregation: "mean", higherIsBetter: true },
  exact_match: { outputType: "generate_until", aggregation: "mean", higherIsBetter: true },
  word_perplexity: { outputType: "loglikelihood_rolling", aggregation: "weighted_perplexity", higherIsBetter: false },
  byte_perplexity: { outputType: "loglikelihood_rolling", aggregation: "weighted_perplexity", higherIsBetter: false },
  bits_per_byte: { outputType: "loglikelihood_rolling", aggregation: "bits_per_byte", higherIsBetter: false },
};

/** lm-eval's default metrics per output type (acc_mutual_info is not supported). */
export const defaultMetrics: Record<TaskOutputType, readonly MetricName[]> = {
  multiple_choice: ["acc", "acc_norm"],
  generate_until: ["exact_match"],
  loglikelihood_rolling: ["word_perplexity", "byte_perplexity", "bits_per_byte"],
};

export const taskSpecSchema = z
  .strictObject({
    task: z.string().regex(/^[A-Za-z0-9_.-]+$/, "task names use letters, digits, '_', '.' and '-'").describe("Task name"),
    tag: z.union([z.string(), z.array(z.string())]).optional().describe("Free-form tags (informational)"),
    dataset_path: z.literal("json", { error: 'only dataset_path: json (local JSONL files) is supported' }),
    dataset_kwargs: z.strictObject({
      data_files: z
        .record(z.string(), z.string().min(1))
        .describe("Split name -> JSONL file, relative to the YAML file"),
    }),
    training_split: z.string().optional(),
    validation_split: z.string().optional(),
    test_split: z.string().optional(),
    fewshot_split: z.string().optional().describe("Split few-shot examples come from"),
    output_type: z.enum(taskOutputTypes),
    description: z.string().default("").describe("Template prepended to every context"),
    doc_to_text: z.string().default("").describe("Template or doc field giving the prompt"),
    doc_to_target: z.union([z.string(), z.number().int().min(0)]).describe("Template or doc field giving the answer"),
    doc_to_choice: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    target_delimiter: z.string().default(" "),
    fewshot_delimiter: z.string().default("\n\n"),
    num_fewshot: z.number().int().min(0).max(MAX_NUM_FEWSHOT).default(0),
    fewshot_config: z
      .strictObject({
        sampler: z.enum(["default", "first_n"]).default("default"),
        seed: z.number().int().default(DEFAULT_FEWSHOT_SEED).describe("smelt extension: few-shot seed"),
      })
      .default({ sampler: "default", seed: DEFAULT_FEWSHOT_SEED }),
    generation_kwargs: z
      .strictObject({
        until: z.union([z.string(), z.array(z.string())]).optional(),
        max_gen_toks: z.number().int().min(1).max(MAX_GEN_TOKS_LIMIT).default(DEFAULT_MAX_GEN_TOKS),
        do_sample: z.literal(false, { error: "only greedy decoding (do_sample: false) is supported" }).default(false),
        temperature: z.literal(0, { error: "only greedy decoding (temperature: 0) is supported" }).optional(),
      })
      .optional(),
    filter_list: z.array(filterSchema).min(1).optional(),
    metric_list: z.array(metricEntrySchema).min(1).optional(),
    metadata: z.looseObject({ version: z.number() }).optional(),
  })
  .superRefine((spec, ctx) => {
    const files = spec.dataset_kwargs.data_files;
    for (const key of ["training_split", "validation_split", "test_split", "fewshot_split"] as const) {
      const split = spec[key];
      if (split !== undefined && !(split in files)) {
        ctx.addIssue({ code: "custom", path: [key], message: `split "${split}" has no file in dataset_kwargs.data_files (has: ${Object.keys(files).join(", ") || "none"})` });
      }
    }
    if (spec.validation_split === undefined && spec.test_split === undefined) {
      ctx.addIssue({ code: "custom", path: [], message: "declare at least one of validation_split and test_split" });
    }
    if (spec.output_type === "multiple_choice" && spec.doc_to_choice === undefined) {
      ctx.addIssue({ code: "custom", path: ["doc_to_choice"], message: "multiple_choice tasks need doc_to_choice" });
    }
    if (spec.output_type !== "generate_until") {
      if (spec.generation_kwargs) ctx.addIssue({ code: "custom", path: ["generation_kwargs"], message: `generation_kwargs only applies to generate_until (this task is ${spec.output_type})` });
      if (spec.filter_list) ctx.addIssue({ code: "custom", path: ["filter_list"], message: `filter_list only applies to generate_until (this task is ${spec.output_type})` });
    }
    const seenMetrics = new Set<string>();
    spec.metric_list?.forEach((entry, i) => {
      if (seenMetrics.has(entry.metric)) ctx.addIssue({ code: "custom", path: ["metric_list", i, "metric"], message: `${entry.metric} is listed twice` });
      seenMetrics.add(entry.metric);
      const info = metricInfo[entry.metric];
      if (info.outputType !== spec.output_type) {
        ctx.addIssue({ code: "custom", path: ["metric_list", i, "metric"], message: `${entry.metric} needs output_type ${info.outputType} (this task is ${spec.output_type})` });
      }
      if (entry.aggregation !== undefined && entry.aggregation !== info.aggregation) {
        ctx.addIssue({ code: "custom", path: ["metric_list", i, "aggregation"], message: `${entry.metric} aggregates with "${info.aggregation}" only` });
      }
      if (entry.higher_is_better !== undefined && entry.higher_is_better !== info.higherIsBetter) {
        ctx.addIssue({ code: "custom", path: ["metric_list", i, "higher_is_better"], message: `${entry.metric} has higher_is_better: ${info.higherIsBetter}` });
      }
      if (entry.metric === "exact_match") {
        entry.regexes_to_ignore.forEach((pattern, j) => checkRegex(pattern, ctx, ["metric_list", i, "regexes_to_ignore", j]));
      }
    });
    const seenFilters = new Set<string>();
    spec.filter_list?.forEach((f, i) => {
      if (seenFilters.has(f.name)) ctx.addIssue({ code: "custom", path: ["filter_list", i, "name"], message: `filter name "${f.name}" is used twice` });
      seenFilters.add(f.name);
      f.filter.forEach((step, j) => {
        if (step.function === "regex") checkRegex(step.regex_pattern, ctx, ["filter_list", i, "filter", j, "regex_pattern"]);
      });
    });
  });

function checkRegex(pattern: string, ctx: z.RefinementCtx, path: (string | number)[]): void {
  try {
    new RegExp(pattern, "g");
  } catch (error) {
    ctx.addIssue({ code: "custom", path, message: `invalid regular expression: ${(error as Error).message}` });
  }
}

/** A validated task spec, with lm-eval's defaults filled in. */
export type TaskSpec = z.output<typeof taskSpecSchema>;

/** JSON Schema of task files, for YAML editors' autocompletion (cross-field checks are not in it). */
export function taskSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(taskSpecSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
