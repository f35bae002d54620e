"""Checks that a saved folder follows HF Llama's convention (RoPE rotates halves).

Runs an independent forward pass written the way transformers' LlamaForCausalLM computes it
(rotate_half, cos/sin repeated over both halves) straight from the saved HF tensors, and compares
its logits with the training definition (adjacent-pair RoPE, GGUF-native), which loads the same
file through llama.cpp's q/k permutation. Usage: check_hf.py examples/toy/base [...]
"""
import json
import math
import os
import sys
import torch
import torch.nn.functional as F

from safetensors_io import read
from toymodel import BOS, config_from_hf, from_hf_state_dict


def rms(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def hf_forward(j, w, ids):
    d, nh, nkv, L = j["hidden_size"], j["num_attention_heads"], j["num_key_value_heads"], j["num_hidden_layers"]
    hd, eps, T = d // nh, j["rms_norm_eps"], ids.shape[1]
    inv = 1.0 / (j["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd))
    emb = torch.cat((torch.outer(torch.arange(T).float(), inv),) * 2, dim=-1)
    cos, sin = emb.cos(), emb.sin()
    x = w["model.embed_tokens.weight"][ids]
    for i in range(L):
        p = f"model.layers.{i}."
        h = rms(x, w[p + "input_layernorm.weight"], eps)
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(1, T, nh, hd).transpose(1, 2)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(1, T, nkv, hd).transpose(1, 2)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(1, T, nkv, hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(nh // nkv, 1), v.repeat_interleave(nh // nkv, 1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        att = att.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf")).softmax(-1)
        x = x + (att @ v).transpose(1, 2).reshape(1, T, d) @ w[p + "self_attn.o_proj.weight"].T
        h = rms(x, w[p + "post_attention_layernorm.weight"], eps)
        g, u = h @ w[p + "mlp.gate_proj.weight"].T, h @ w[p + "mlp.up_proj.weight"].T
        x = x + (F.silu(g) * u) @ w[p + "mlp.down_proj.weight"].T
    return rms(x, w["model.norm.weight"], eps) @ w["lm_head.weight"].T


def main():
    ids = torch.tensor([[BOS] + list(b"a=38 k=70 m=15 ?k:70\ncount b in abba:2")])
    for folder in sys.argv[1:]:
        with open(os.path.join(folder, "config.json")) as f:
            j = json.load(f)
        w = read(os.path.join(folder, "model.safetensors"))
        with torch.no_grad():
            ref = hf_forward(j, w, ids)
            ours = from_hf_state_dict(config_from_hf(j), w)(ids)
        diff = (ref - ours).abs().max().item()
        print(f"{folder}: max |logit diff| HF-halves vs adjacent-pair = {diff:.2e}")
        if diff > 1e-3:
            sys.exit(f"{folder}: the saved q/k rows are not in HF's rotate-halves convention")


if __name__ == "__main__":
    main()
