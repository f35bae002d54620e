"""Greedy exact-match scoring, the way smelt scores a GGUF: BOS + prompt bytes, greedy decoding,
stop at "\n" or </s> (max 8 new tokens), exact match after strip()."""
from collections import defaultdict
import torch
from toymodel import BOS, EOS

NEWLINE = 10
MAX_NEW = 8


@torch.no_grad()
def greedy(model, prompts, batch=256):
    """Returns the decoded completion of every prompt. Prompts are bucketed by byte length so a
    batch needs no padding; a KV cache keeps decoding at one position per step."""
    model.eval()
    by_len = defaultdict(list)
    enc = [[BOS] + list(p.encode()) for p in prompts]
    for i, e in enumerate(enc):
        by_len[len(e)].append(i)
    out = [None] * len(prompts)
    for L, idx in sorted(by_len.items()):
        for s in range(0, len(idx), batch):
            chunk = idx[s:s + batch]
            ids = torch.tensor([enc[i] for i in chunk])
            caches = [dict() for _ in model.blocks]
            logits = model(ids, caches, 0)[:, -1]
            gen = [[] for _ in chunk]
            done = torch.zeros(len(chunk), dtype=torch.bool)
            for step in range(MAX_NEW):
                nxt = logits.argmax(-1)
                for j, t in enumerate(nxt.tolist()):
                    if not done[j]:
                        if t in (NEWLINE, EOS):
                            done[j] = True
                        else:
                            gen[j].append(t)
                if done.all() or step == MAX_NEW - 1:
                    break
                logits = model(nxt[:, None], caches, L + step)[:, -1]
            for j, i in enumerate(chunk):
                # a control token mid-answer (only <s> can remain) reads as its text, like llama.cpp
                text = b"".join(bytes([t]) if t < 256 else b"<s>" for t in gen[j])
                out[i] = text.decode("utf-8", errors="replace")
    return out


def score(model, items):
    """items: [(prompt, answer)] -> (accuracy, [indices answered correctly])."""
    preds = greedy(model, [p for p, _ in items])
    correct = [i for i, ((_, a), g) in enumerate(zip(items, preds)) if g.strip() == a.strip()]
    return len(correct) / len(items), correct
