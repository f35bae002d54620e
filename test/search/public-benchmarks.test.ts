import { describe, expect, it } from "vitest";
import { publicBenchmarkOf } from "../../src/search/public-benchmarks.js";

describe("publicBenchmarkOf", () => {
  it("recognises benchmark names and lm-eval's variants of them", () => {
    expect(publicBenchmarkOf("gsm8k")).toBe("gsm8k");
    expect(publicBenchmarkOf("gsm8k_cot")).toBe("gsm8k");
    expect(publicBenchmarkOf("mmlu_abstract_algebra")).toBe("mmlu");
    expect(publicBenchmarkOf("arc_challenge")).toBe("arc");
    expect(publicBenchmarkOf("leaderboard_bbh")).toBe("bbh");
    expect(publicBenchmarkOf("mgsm_direct_ja")).toBe("mgsm");
    expect(publicBenchmarkOf("HellaSwag")).toBe("hellaswag");
    expect(publicBenchmarkOf("truthfulqa-mc2")).toBe("truthfulqa");
  });

  it("leaves other task names alone, including ones that merely contain a benchmark's letters", () => {
    expect(publicBenchmarkOf("toy_count")).toBeUndefined();
    expect(publicBenchmarkOf("search")).toBeUndefined(); // contains "arc" but not as a word
    expect(publicBenchmarkOf("mathematics_private")).toBeUndefined();
    expect(publicBenchmarkOf("")).toBeUndefined();
  });
});
