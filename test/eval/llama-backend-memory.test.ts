/** Loading and disposing many candidates must not leak: a search loads one model per candidate. */
import { describe, expect, it } from "vitest";
import { createLlamaBackend } from "../../src/eval/llama-backend.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinyLlamaGguf } from "../helpers/tiny-llama.js";

const path = useTempDir("llama-memory");
const MiB = 1024 * 1024;

describe("load + dispose in a loop", () => {
  it("keeps RSS bounded over 50 cycles", async () => {
    const file = path("tiny.gguf");
    await writeTinyLlamaGguf(file, { seed: 41 });
    await using backend = await createLlamaBackend({ threads: 1, sequences: 2, contextSize: 128 });
    const cycle = async () => {
      const model = await backend.loadModel(file);
      await model.loglikelihood([{ context: [72, 105], continuation: [33] }]);
      await model.dispose();
    };
    for (let i = 0; i < 5; i++) await cycle(); // warm-up: allocator pools, JIT
    const before = process.memoryUsage().rss;
    const samples: number[] = [];
    for (let i = 0; i < 50; i++) {
      await cycle();
      if (i % 10 === 9) samples.push(process.memoryUsage().rss);
    }
    const growth = (samples[samples.length - 1] - before) / MiB;
    console.info(
      `RSS after warm-up ${(before / MiB).toFixed(1)} MiB; every 10 cycles: ${samples.map((s) => (s / MiB).toFixed(1)).join(", ")} MiB; growth ${growth.toFixed(1)} MiB`,
    );
    // An undisposed tiny model with its context holds ~4.4 MiB of RSS (measured on this box), so
    // leaking one per cycle would add ~220 MiB over 50 cycles; allocator noise stays well below 100.
    expect(growth).toBeLessThan(100);
  });
});
