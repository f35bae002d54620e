"""A tiny Llama (RMSNorm, RoPE, SwiGLU, no bias, untied head) over a byte vocabulary.

RoPE here rotates ADJACENT pairs (x0,x1),(x2,x3),... -- the GGUF/llama.cpp convention -- so the
weights need no permutation on the way to GGUF. `hf_state_dict` applies the inverse of llama.cpp's
HF->GGUF q/k permutation so the saved HF folder follows HF's rotate-halves convention.
"""
from dataclasses import dataclass, asdict
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

BOS, EOS, VOCAB = 256, 257, 258


@dataclass(frozen=True)
class Config:
    d: int = 128
    layers: int = 4
    heads: int = 4
    kv_heads: int = 4
    ffn: int = 352
    max_pos: int = 64
    rope_theta: float = 10000.0
    eps: float = 1e-5

    @property
    def head_dim(self):
        return self.d // self.heads


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(pos, hd, theta):
    inv = theta ** (-torch.arange(0, hd, 2, dtype=torch.float32) / hd)
    ang = pos[:, None].float() * inv[None, :]  # (T, hd/2)
    return ang.cos(), ang.sin()


def rope_adjacent(x, cos, sin):
    """x: (B, H, T, hd). Rotates pairs (2i, 2i+1) by pos * theta^(-2i/hd) (llama.cpp 'norm' rope)."""
    x0, x1 = x[..., 0::2], x[..., 1::2]
    out = torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1)
    return out.flatten(-2)


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        hd = c.head_dim
        self.input_layernorm = RMSNorm(c.d, c.eps)
        self.q_proj = nn.Linear(c.d, c.heads * hd, bias=False)
        self.k_proj = nn.Linear(c.d, c.kv_heads * hd, bias=False)
        self.v_proj = nn.Linear(c.d, c.kv_heads * hd, bias=False)
        self.o_proj = nn.Linear(c.heads * hd, c.d, bias=False)
        self.post_attention_layernorm = RMSNorm(c.d, c.eps)
        self.gate_proj = nn.Linear(c.d, c.ffn, bias=False)
        self.up_proj = nn.Linear(c.d, c.ffn, bias=False)
        self.down_proj = nn.Linear(c.ffn, c.d, bias=False)

    def forward(self, x, rope, cache=None):
        c, (B, T, _) = self.c, x.shape
        hd = c.head_dim
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(B, T, c.heads, hd).transpose(1, 2)
        k = self.k_proj(h).view(B, T, c.kv_heads, hd).transpose(1, 2)
        v = self.v_proj(h).view(B, T, c.kv_heads, hd).transpose(1, 2)
        q, k = rope_adjacent(q, *rope), rope_adjacent(k, *rope)
        if cache is not None:
            if "k" in cache:
                k = torch.cat((cache["k"], k), dim=2)
                v = torch.cat((cache["v"], v), dim=2)
            cache["k"], cache["v"] = k, v
        if c.kv_heads != c.heads:
            k = k.repeat_interleave(c.heads // c.kv_heads, dim=1)
            v = v.repeat_interleave(c.heads // c.kv_heads, dim=1)
        S = k.shape[2]
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        # causal mask with an offset for cached keys: query t sees keys <= S - T + t
        mask = torch.ones(T, S, dtype=torch.bool).tril(diagonal=S - T)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, c.heads * hd)
        x = x + self.o_proj(y)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class ToyLlama(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(VOCAB, c.d)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.layers))
        self.norm = RMSNorm(c.d, c.eps)
        self.lm_head = nn.Linear(c.d, VOCAB, bias=False)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)
        for b in self.blocks:  # scaled residual init (GPT-2 style) for stable deep-ish training
            nn.init.normal_(b.o_proj.weight, std=0.02 / math.sqrt(2 * c.layers))
            nn.init.normal_(b.down_proj.weight, std=0.02 / math.sqrt(2 * c.layers))

    def forward(self, ids, caches=None, start=0):
        rope = rope_tables(torch.arange(start, start + ids.shape[1]), self.c.head_dim, self.c.rope_theta)
        x = self.embed_tokens(ids)
        for i, b in enumerate(self.blocks):
            x = b(x, rope, None if caches is None else caches[i])
        return self.lm_head(self.norm(x))

    def frozen_names(self):
        """Parameters experts never touch: embeddings, output head, final norm (FIELD-NOTES §7)."""
        return {"embed_tokens.weight", "lm_head.weight", "norm.weight"}


# ---- HF naming and the q/k permutation ----------------------------------------------------

def _unpermute(w, n_head):
    """Inverse of llama.cpp's HF->GGUF permute: GGUF (adjacent pairs) rows -> HF (halves) rows."""
    out, d = w.shape
    hd = out // n_head
    return w.reshape(n_head, hd // 2, 2, d).swapaxes(1, 2).reshape(out, d)


def _permute(w, n_head):
    """llama.cpp's HF->GGUF permute: HF (halves) rows -> GGUF (adjacent pairs) rows."""
    out, d = w.shape
    hd = out // n_head
    return w.reshape(n_head, 2, hd // 2, d).swapaxes(1, 2).reshape(out, d)


def hf_state_dict(model: ToyLlama):
    c, sd, out = model.c, model.state_dict(), {}
    out["model.embed_tokens.weight"] = sd["embed_tokens.weight"]
    for i in range(c.layers):
        p, q = f"blocks.{i}.", f"model.layers.{i}."
        out[q + "input_layernorm.weight"] = sd[p + "input_layernorm.weight"]
        out[q + "self_attn.q_proj.weight"] = _unpermute(sd[p + "q_proj.weight"], c.heads)
        out[q + "self_attn.k_proj.weight"] = _unpermute(sd[p + "k_proj.weight"], c.kv_heads)
        out[q + "self_attn.v_proj.weight"] = sd[p + "v_proj.weight"]
        out[q + "self_attn.o_proj.weight"] = sd[p + "o_proj.weight"]
        out[q + "post_attention_layernorm.weight"] = sd[p + "post_attention_layernorm.weight"]
        for m in ("gate_proj", "up_proj", "down_proj"):
            out[q + f"mlp.{m}.weight"] = sd[p + m + ".weight"]
    out["model.norm.weight"] = sd["norm.weight"]
    out["lm_head.weight"] = sd["lm_head.weight"]
    return {k: v.detach().contiguous() for k, v in out.items()}


def from_hf_state_dict(c: Config, hf):
    """Builds a ToyLlama (float32) from HF-named tensors, re-applying llama.cpp's permutation."""
    m = ToyLlama(c)
    sd = {"embed_tokens.weight": hf["model.embed_tokens.weight"], "norm.weight": hf["model.norm.weight"],
          "lm_head.weight": hf["lm_head.weight"]}
    for i in range(c.layers):
        p, q = f"blocks.{i}.", f"model.layers.{i}."
        sd[p + "input_layernorm.weight"] = hf[q + "input_layernorm.weight"]
        sd[p + "q_proj.weight"] = _permute(hf[q + "self_attn.q_proj.weight"], c.heads)
        sd[p + "k_proj.weight"] = _permute(hf[q + "self_attn.k_proj.weight"], c.kv_heads)
        sd[p + "v_proj.weight"] = hf[q + "self_attn.v_proj.weight"]
        sd[p + "o_proj.weight"] = hf[q + "self_attn.o_proj.weight"]
        sd[p + "post_attention_layernorm.weight"] = hf[q + "post_attention_layernorm.weight"]
        for mm in ("gate_proj", "up_proj", "down_proj"):
            sd[p + mm + ".weight"] = hf[q + f"mlp.{mm}.weight"]
    m.load_state_dict({k: v.float() for k, v in sd.items()})
    return m.eval()


def hf_config(c: Config):
    return {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": VOCAB,
        "bos_token_id": BOS, "eos_token_id": EOS, "hidden_size": c.d, "intermediate_size": c.ffn,
        "num_attention_heads": c.heads, "num_key_value_heads": c.kv_heads,
        "num_hidden_layers": c.layers, "max_position_embeddings": c.max_pos,
        "rope_theta": c.rope_theta, "rms_norm_eps": c.eps, "hidden_act": "silu",
        "attention_bias": False, "mlp_bias": False, "head_dim": c.head_dim,
        "torch_dtype": "bfloat16", "tie_word_embeddings": False,
    }


def config_from_hf(j):
    return Config(d=j["hidden_size"], layers=j["num_hidden_layers"], heads=j["num_attention_heads"],
                  kv_heads=j["num_key_value_heads"], ffn=j["intermediate_size"],
                  max_pos=j["max_position_embeddings"], rope_theta=j["rope_theta"], eps=j["rms_norm_eps"])
