import { describe, expect, it } from "vitest";
import { RecipeError } from "../../src/errors.js";
import { parseTaskSpec } from "../../src/eval/parse-task-spec.js";
import { taskSpecJsonSchema } from "../../src/eval/task-spec.js";
import { genYaml } from "./temp-task.js";

function issuesOf(text: string) {
  try {
    parseTaskSpec(text, "task.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(RecipeError);
    return (error as RecipeError).issues;
  }
  throw new Error("expected a RecipeError");
}

describe("parseTaskSpec", () => {
  it("fills lm-eval's defaults", () => {
    const spec = parseTaskSpec(genYaml(), "task.yaml");
    expect(spec.target_delimiter).toBe(" ");
    expect(spec.fewshot_delimiter).toBe("\n\n");
    expect(spec.num_fewshot).toBe(0);
    expect(spec.fewshot_config).toEqual({ sampler: "default", seed: 1234 });
    expect(spec.description).toBe("");
  });

  it("lists every unknown key with its path, not just the first", () => {
    const issues = issuesOf(genYaml("process_docs: !!str utils.process\ngeneration_kwargs:\n  until: [x]\n  top_p: 0.9"));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ["process_docs"], message: expect.stringContaining('unknown key "process_docs"') }),
        expect.objectContaining({ path: ["generation_kwargs", "top_p"] }),
      ]),
    );
  });

  it("refuses non-json datasets, sampling and splits without files", () => {
    const text = genYaml("fewshot_split: train\ngeneration_kwargs:\n  do_sample: true").replace("dataset_path: json", "dataset_path: hellaswag");
    const issues = issuesOf(text);
    const paths = issues.map((i) => i.path.join("."));
    expect(paths).toContain("dataset_path");
    expect(paths).toContain("generation_kwargs.do_sample");
    const msg = new RecipeError("task.yaml", issues).message;
    expect(msg).toContain("only dataset_path: json");
    expect(msg).toContain("→ at generation_kwargs.do_sample");
  });

  it("checks settings against the output type", () => {
    const issues = issuesOf(genYaml("metric_list:\n  - metric: acc\n  - metric: exact_match\n    aggregation: median").replace("generate_until", "multiple_choice"));
    const messages = issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^doc_to_choice: multiple_choice tasks need doc_to_choice/),
        expect.stringMatching(/^metric_list\.1\.metric: exact_match needs output_type generate_until/),
        expect.stringMatching(/^metric_list\.1\.aggregation: /),
      ]),
    );
  });

  it("reports invalid filter regexes and split references", () => {
    const issues = issuesOf(genYaml("fewshot_split: train\nfilter_list:\n  - name: f\n    filter:\n      - function: regex\n        regex_pattern: '(unclosed'"));
    const paths = issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["fewshot_split", "filter_list.0.filter.0.regex_pattern"]));
  });

  it("refuses a metric or filter name listed twice", () => {
    const issues = issuesOf(genYaml("metric_list:\n  - metric: exact_match\n  - metric: exact_match\nfilter_list:\n  - name: f\n    filter: [{function: strip}]\n  - name: f\n    filter: [{function: lowercase}]"));
    expect(issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "metric_list.1.metric: exact_match is listed twice",
      'filter_list.1.name: filter name "f" is used twice',
    ]);
  });

  it("reports YAML syntax errors with a line", () => {
    const issues = issuesOf("task: t\ndataset_path: [json\n");
    expect(issues[0].message).toMatch(/YAML syntax: .*line \d+/);
  });

  it("rejects a document that is not a mapping", () => {
    expect(issuesOf("- a\n- b\n")[0].message).toContain("YAML mapping");
  });
});

describe("taskSpecJsonSchema", () => {
  it("describes every key and refuses unknown ones, like the zod schema", () => {
    const schema = taskSpecJsonSchema() as { properties: Record<string, { description?: string }>; additionalProperties: boolean; required: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(["task", "dataset_path", "dataset_kwargs", "output_type", "doc_to_target"]));
    expect(schema.properties.doc_to_text.description).toBe("Template or doc field giving the prompt");
  });
});
