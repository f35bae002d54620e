import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { layerIndexOf, withLayerIndex } from "../../src/arch/layer-index.js";

describe("layerIndexOf", () => {
  it.each([
    ["model.layers.0.self_attn.q_proj.weight", 0],
    ["model.layers.31.mlp.down_proj.weight", 31],
    ["layers.7.attention.wq.weight", 7],
    ["blk.12.attn_q.weight", 12],
    ["h.3.attn.c_attn.weight", 3],
    ["transformer.h.11.mlp.c_fc.bias", 11],
    ["model.decoder.layers.5.fc1.weight", 5],
    ["gpt_neox.layers.2.attention.dense.weight", 2],
    ["transformer.blocks.9.ffn.up_proj.weight", 9],
    ["bert.encoder.layer.4.output.dense.weight", 4],
    ["model.language_model.layers.6.input_layernorm.weight", 6],
    // The first numbered container is the layer, not the expert index after it.
    ["model.layers.3.block_sparse_moe.experts.7.w1.weight", 3],
  ])("%s -> %d", (name, index) => {
    expect(layerIndexOf(name)).toBe(index);
  });

  it.each([
    "model.embed_tokens.weight",
    "lm_head.weight",
    "model.norm.weight",
    "token_embd.weight",
    "output_norm.weight",
    "transformer.wte.weight",
    // "h" must be a whole segment: "path.3." is not a layer.
    "graph.3.weight",
    "model.layers.x.weight",
  ])("%s is outside the layers", (name) => {
    expect(layerIndexOf(name)).toBeUndefined();
  });
});

describe("withLayerIndex", () => {
  it("renames only the layer segment", () => {
    expect(withLayerIndex("model.layers.3.mlp.experts.3.w1.weight", 12)).toBe("model.layers.12.mlp.experts.3.w1.weight");
    expect(withLayerIndex("blk.0.attn_k.weight", 40)).toBe("blk.40.attn_k.weight");
    expect(withLayerIndex("h.10.ln_1.weight", 2)).toBe("h.2.ln_1.weight");
  });

  it("refuses tensors outside the layers and bad indices", () => {
    expect(() => withLayerIndex("lm_head.weight", 1)).toThrow(/not inside a numbered layer/);
    expect(() => withLayerIndex("model.layers.1.x", -1)).toThrow(RangeError);
    expect(() => withLayerIndex("model.layers.1.x", 1.5)).toThrow(RangeError);
  });

  it("round trips: moving to n then reading gives n, moving back restores the name", () => {
    const prefixes = ["model.layers.", "blk.", "transformer.h.", "model.decoder.layers."];
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.nat(500),
        fc.nat(500),
        fc.constantFrom("mlp.down_proj.weight", "attn_q.weight", "experts.4.w2.weight"),
        (prefix, from, to, suffix) => {
          const name = `${prefix}${from}.${suffix}`;
          const moved = withLayerIndex(name, to);
          expect(layerIndexOf(moved)).toBe(to);
          expect(withLayerIndex(moved, from)).toBe(name);
        },
      ),
    );
  });
});
