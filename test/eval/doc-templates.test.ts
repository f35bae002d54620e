import { describe, expect, it } from "vitest";
import { resolveChoices, targetText } from "../../src/eval/doc-answer.js";
import { compileDocTemplates } from "../../src/eval/doc-templates.js";
import { parseTaskSpec } from "../../src/eval/parse-task-spec.js";
import { genYaml } from "./temp-task.js";

const mc = (lines: string) => parseTaskSpec(genYaml(lines).replace("generate_until", "multiple_choice"), "t.yaml");

describe("doc_to_* fields", () => {
  it("treats a string naming a document field as that field, anything else as a template", () => {
    const templates = compileDocTemplates(parseTaskSpec(genYaml(), "t.yaml"), "t.yaml", new Set(["q", "a"]));
    expect(templates.text({ q: "hi", a: 1 })).toBe("Q: hi\nA:");
    expect(templates.target({ q: "hi", a: 1 })).toBe(1);
    expect(() => templates.target({ q: "hi" })).toThrow('names the field "a", which this document lacks');
  });

  it("evaluates single-expression templates to values, so lists and numbers survive", () => {
    const spec = mc('doc_to_choice: "{{ [opt1, opt2] }}"');
    const templates = compileDocTemplates({ ...spec, doc_to_target: "{{ label }}" }, "t.yaml", new Set(["q", "opt1", "opt2", "label"]));
    expect(resolveChoices(templates, { q: "x", opt1: "up", opt2: "down", label: 1 })).toEqual({ choices: ["up", "down"], gold: 1 });
    expect(targetText(templates, { q: "x", opt1: "up", opt2: "down", label: 1 })).toBe("down");
  });

  it("accepts a YAML list of choices and a target given as the choice's text or digits", () => {
    const templates = compileDocTemplates(mc("doc_to_choice: [no, yes]"), "t.yaml", new Set(["q", "a"]));
    expect(resolveChoices(templates, { q: "x", a: "yes" }).gold).toBe(1);
    expect(resolveChoices(templates, { q: "x", a: "0" }).gold).toBe(0);
    expect(() => resolveChoices(templates, { q: "x", a: "maybe" })).toThrow('"maybe" is not one of the choices');
    expect(() => resolveChoices(templates, { q: "x", a: 2 })).toThrow("index 2 is out of range for 2 choices");
  });

  it("reports a choice template that does not give a list", () => {
    const templates = compileDocTemplates(mc("doc_to_choice: '{{ q }}'"), "t.yaml", new Set(["q", "a"]));
    expect(() => templates.choices!({ q: "abc", a: 0 })).toThrow("expected a non-empty list");
  });
});

describe("template whitespace", () => {
  it("keeps text around a single expression", () => {
    const spec = parseTaskSpec(genYaml().replace('doc_to_text: "Q: {{ q }}\\nA:"', 'doc_to_text: "{{ q }}\\n"'), "t.yaml");
    const templates = compileDocTemplates(spec, "t.yaml", new Set(["q", "a"]));
    expect(templates.text({ q: "hi", a: "1" })).toBe("hi\n");
  });
});
