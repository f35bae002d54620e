import { describe, expect, it } from "vitest";
import { ggufLlamaTensorToHf, hfLlamaTensorToGguf } from "../../src/arch/convert-llama-tensor.js";
import { llamaTensorSpecs } from "../../src/arch/llama-config.js";
import { createLlamaReference } from "../../src/arch/llama-reference.js";
import { ShapeMismatchError } from "../../src/errors.js";
import { buildTinyLlama } from "../helpers/tiny-llama.js";

describe("HF <-> GGUF llama tensors", () => {
  const model = buildTinyLlama({ seed: 9 });
  const gguf = llamaTensorSpecs(model.config).map((s) => ({ name: s.name, shape: s.shape, data: model.weights.get(s.name)! }));
  const hf = gguf.map((t) => ggufLlamaTensorToHf(model.config, t)!);

  it("round-trips every tensor, changing only q/k row order", () => {
    const back = hf.map((t) => hfLlamaTensorToGguf(model.config, t)!);
    expect(back.map((t) => t.name)).toEqual(gguf.map((t) => t.name));
    back.forEach((t, i) => expect(t.data).toEqual(gguf[i].data));
    const changed = hf.filter((t, i) => !t.data.every((v, j) => v === gguf[i].data[j])).map((t) => t.name);
    expect(changed).toEqual(hf.map((t) => t.name).filter((n) => /self_attn\.[qk]_proj/.test(n)));
  });

  it("gives the same model after a round trip (the reference agrees exactly)", () => {
    const back = new Map(hf.map((t) => hfLlamaTensorToGguf(model.config, t)!).map((t) => [t.name, t.data]));
    const tokens = [256, 1, 2, 3];
    expect(createLlamaReference(model.config, back).logProbs(tokens)).toEqual(createLlamaReference(model.config, model.weights).logProbs(tokens));
  });

  it("skips tensors with no counterpart and checks q/k shapes against the config", () => {
    expect(hfLlamaTensorToGguf(model.config, { name: "model.layers.0.self_attn.rotary_emb.inv_freq", shape: [8], data: new Float32Array(8) })).toBeUndefined();
    const bad = { name: "model.layers.0.self_attn.k_proj.weight", shape: [64, 64], data: new Float32Array(64 * 64) };
    expect(() => hfLlamaTensorToGguf(model.config, bad)).toThrow(ShapeMismatchError);
  });
});
