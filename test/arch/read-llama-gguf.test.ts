import { describe, expect, it } from "vitest";
import { createLlamaReference } from "../../src/arch/llama-reference.js";
import { llamaConfigFromGguf, readLlamaGguf } from "../../src/arch/read-llama-gguf.js";
import { TensorFormatError } from "../../src/errors.js";
import { ggufValue, type GgufMetadataEntry } from "../../src/tensor/gguf/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinyLlamaGguf } from "../helpers/tiny-llama.js";

const path = useTempDir("read-llama");

describe("readLlamaGguf", () => {
  it("reads back the config and the exact values the writer was given, quantised ones decoded", async () => {
    const file = path("q8.gguf");
    const written = await writeTinyLlamaGguf(file, { seed: 12, quantOutput: "Q8_0" });
    const { config, weights } = await readLlamaGguf(file);
    // rms eps is stored as float32 in GGUF, so it comes back as the nearest float32.
    expect(config).toEqual({ ...written.config, rmsEps: Math.fround(written.config.rmsEps) });
    expect([...weights.keys()].sort()).toEqual([...written.weights.keys()].sort());
    for (const [name, data] of written.weights) expect(weights.get(name)).toEqual(data);
    const tokens = [256, 10, 20];
    expect(createLlamaReference(written.config, weights).logProbs(tokens)).toEqual(
      createLlamaReference(written.config, written.weights).logProbs(tokens),
    );
  });
});

describe("llamaConfigFromGguf", () => {
  const lookup = (entries: Record<string, GgufMetadataEntry | undefined>) => ({
    location: "toy.gguf",
    get: (key: string) => entries[key],
    info: (name: string) => (name === "token_embd.weight" ? { shape: [258, 64] } : undefined),
  });
  const entry = (key: string, value: ReturnType<typeof ggufValue.u32> | ReturnType<typeof ggufValue.string>) => ({ key, ...value }) as GgufMetadataEntry;

  it("names the file and the missing or mistyped key", () => {
    expect(() => llamaConfigFromGguf(lookup({ "general.architecture": entry("general.architecture", ggufValue.string("gemma")) }))).toThrow(
      /toy\.gguf: general\.architecture is "gemma", expected one of llama, qwen2, qwen3/,
    );
    const llama = { "general.architecture": entry("general.architecture", ggufValue.string("llama")) };
    expect(() => llamaConfigFromGguf(lookup(llama))).toThrow(TensorFormatError);
    expect(() => llamaConfigFromGguf(lookup(llama))).toThrow(/llama\.embedding_length is missing/);
    const mistyped = { ...llama, "llama.embedding_length": entry("llama.embedding_length", ggufValue.string("64")) };
    expect(() => llamaConfigFromGguf(lookup(mistyped))).toThrow(/is a string, expected a number/);
  });
});
