import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregateMean, bitsPerByte, bootstrapStderr, mean, weightedPerplexity } from "../../src/eval/aggregate-metric.js";
import { seededRandom } from "../../src/eval/seeded-random.js";

describe("aggregateMean", () => {
  it("uses lm-eval's mean_stderr: sample stddev / sqrt(n)", () => {
    // (1,0,1,1): mean 0.75, sample variance 0.25, stderr sqrt(0.25)/2 = 0.25.
    expect(aggregateMean([1, 0, 1, 1])).toEqual({ value: 0.75, stderr: 0.25, stderrMethod: "sample" });
    expect(aggregateMean([1]).stderr).toBeNull();
  });

  it("equals sqrt(p(1-p)/(n-1)) for 0/1 scores", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1), { minLength: 2, maxLength: 300 }), (scores) => {
        const p = mean(scores);
        expect(aggregateMean(scores).stderr).toBeCloseTo(Math.sqrt((p * (1 - p)) / (scores.length - 1)), 10);
      }),
    );
  });
});

describe("perplexity aggregates", () => {
  it("weight log-likelihoods by words or bytes over the whole set", () => {
    const items = [
      [-10, 4],
      [-2, 1],
    ] as const;
    expect(weightedPerplexity(items)).toBeCloseTo(Math.exp(12 / 5), 12);
    expect(bitsPerByte(items)).toBeCloseTo(12 / 5 / Math.LN2, 12);
  });
});

describe("bootstrapStderr", () => {
  it("is reproducible for a seed and approximates the analytic stderr of a mean", () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 400 }, () => random() * 10);
    const a = bootstrapStderr(values, mean, { iters: 1000, seed: 1 });
    expect(bootstrapStderr(values, mean, { iters: 1000, seed: 1 })).toBe(a);
    expect(bootstrapStderr(values, mean, { iters: 1000, seed: 2 })).not.toBe(a);
    const analytic = aggregateMean(values).stderr!;
    expect(Math.abs(a! - analytic) / analytic).toBeLessThan(0.1);
    expect(bootstrapStderr([1], mean)).toBeNull();
  });
});
