import { describe, expect, it } from "vitest";
import { applyFilters } from "../../src/eval/apply-filters.js";
import { exactMatch } from "../../src/eval/exact-match.js";

const regex = (regex_pattern: string, group_select = 0, fallback = "[invalid]") => ({ function: "regex" as const, regex_pattern, group_select, fallback });

describe("applyFilters (lm-eval filter semantics)", () => {
  it("regex keeps the selected match's group, stripped", () => {
    expect(applyFilters("so #### 42 and #### 7", [regex("#### (\\-?[0-9\\.\\,]+)")])).toBe("42");
    expect(applyFilters("so #### 42 and #### 7", [regex("#### (\\-?[0-9\\.\\,]+)", -1)])).toBe("7");
    expect(applyFilters("no number", [regex("(\\d+)")])).toBe("[invalid]");
    expect(applyFilters("1 2", [regex("(\\d+)", 5, "none")])).toBe("none");
  });

  it("regex without groups keeps the whole match; with several, the first non-empty group", () => {
    expect(applyFilters("abc 12 ", [regex("\\d+ ")])).toBe("12");
    expect(applyFilters("B) yes", [regex("\\(([A-D])\\)|([A-D])\\)")])).toBe("B");
  });

  it("remove_whitespace drops one leading space; strip, lowercase and uppercase do what they say", () => {
    expect(applyFilters("  A ", [{ function: "remove_whitespace" }])).toBe(" A ");
    expect(applyFilters("  Ab \n", [{ function: "strip" }, { function: "lowercase" }])).toBe("ab");
    expect(applyFilters("ab", [{ function: "take_first" }, { function: "uppercase" }])).toBe("AB");
  });
});

describe("exactMatch", () => {
  it("compares exactly by default, with HF evaluate's normalisations as options", () => {
    expect(exactMatch(" 4", "4")).toBe(0);
    expect(exactMatch("Paris", "paris", { ignore_case: true })).toBe(1);
    expect(exactMatch("Paris!", "paris.", { ignore_case: true, ignore_punctuation: true })).toBe(1);
    expect(exactMatch("v2 ok", "v3 ok", { ignore_numbers: true })).toBe(1);
    expect(exactMatch("answer: 4", "4", { regexes_to_ignore: ["^answer: "] })).toBe(1);
  });
});
