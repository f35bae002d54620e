import { describe, expect, it } from "vitest";
import { isPreLayerTensor } from "../../src/recipe/is-pre-layer-tensor.js";

describe("isPreLayerTensor", () => {
  it.each(["model.embed_tokens.weight", "token_embd.weight", "transformer.wte.weight", "transformer.wpe.weight", "transformer.word_embeddings.weight", "gpt_neox.embed_in.weight", "tok_embeddings.weight"])(
    "%s comes before the layers",
    (name) => expect(isPreLayerTensor(name)).toBe(true),
  );
  it.each(["lm_head.weight", "model.norm.weight", "output.weight", "output_norm.weight", "transformer.ln_f.weight", "embed_out.weight"])(
    "%s comes after the layers",
    (name) => expect(isPreLayerTensor(name)).toBe(false),
  );
});
