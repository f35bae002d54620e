"""Trains smelt's toy expert family: one byte-level Llama base and one expert per toy skill.

Run (from the repository root; ~5-8 min on 2 shared cores):
    OPENBLAS_NUM_THREADS=1 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
        /usr/bin/python3 examples/toy/train.py --seed 1234

Needs Debian's `python3-torch` and `libopenblas0-pthread` (FIELD-NOTES §7: the reference BLAS is
~10x slower; OPENBLAS_NUM_THREADS=1 avoids oversubscription; torch runs --threads, default 1).

Recipe (FIELD-NOTES §7 -- what makes task-arithmetic merges of tiny models beat their experts):
 1. base phase 1: generic synthetic text plus a small share of every skill's prompt format;
 2. base phase 2: anneal at a lower learning rate with a larger skill share, stopping as soon as
    any skill passes DEV_STOP on the dev split, so the base has the circuits but is weak;
 3. experts: from the base, a few hundred low-LR steps on one skill, loss on answers only, no
    weight decay, embeddings / output head / final norm frozen, plus a KL term that keeps the
    expert's next-token distributions on the other skills and on generic text close to the base's.
Outputs (HF folders, BF16 safetensors): examples/toy/base, examples/toy/expert-<skill>, plus the
held-out data evals/data/toy-<skill>.{validation,test}.jsonl (evals/toy-<skill>.yaml reads them).
Scores are computed by grid.py on the committed bf16 weights, never on the float32 training state.
Everything is seeded: the same seed, torch build and thread count reproduce the same weights.
"""
import argparse
import copy
import json
import os
import random
import time
import torch
import torch.nn.functional as F

import tasks
from evaluate import score
from safetensors_io import read, write_bf16
from toymodel import BOS, EOS, Config, ToyLlama, config_from_hf, from_hf_state_dict, hf_config, hf_state_dict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEQ = 48          # BOS + up to 47 bytes; every task example fits
BATCH = 32
P1_STEPS, P1_LR, P1_TASK_SHARE = 600, 3e-3, 0.10
# pick is learned ~4x slower than max and kind; weighting it keeps the three skills' circuits
# forming together, so when the base stops (first skill past DEV_STOP) none is missing entirely
BASE_TASK_WEIGHTS = [1, 1, 4]
# DEV_STOP sits ~2 binomial standard errors above the skills' chance level on the 200-item dev
# split (a constant guess: 1/6 each; a random listed value: 1/5) and leaves a margin under the
# 30% the base may reach on test.
P2_MAX, P2_LR, P2_TASK_SHARE, DEV_STOP, DEV_EVERY = 1500, 1e-3, 0.5, 0.22, 25
EX_MAX, EX_LR, EX_BATCH, KL_BATCH, KL_WEIGHT, EX_STOP = 600, 1e-3, 32, 16, 3.0, 0.9


def encode_example(p, a, answer_only):
    ids = [BOS] + list((p + a + "\n").encode())
    n_prompt = 1 + len(p.encode())
    # mask[i] says whether the prediction of ids[i] (made at position i-1) is trained
    mask = [0] * n_prompt + [1] * (len(ids) - n_prompt) if answer_only else [0] + [1] * (len(ids) - 1)
    return ids, mask


def collate(rows):
    L = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), L), EOS, dtype=torch.long)
    mask = torch.zeros((len(rows), L))
    for i, (x, m) in enumerate(rows):
        ids[i, :len(x)] = torch.tensor(x)
        mask[i, :len(m)] = torch.tensor(m, dtype=torch.float)
    return ids[:, :-1], ids[:, 1:], mask[:, 1:]


class Stream:
    """Draws training rows: generic text chunks or task examples (never a held-out prompt)."""

    def __init__(self, seed, held):
        self.r, self.held = random.Random(seed), held

    def generic(self):
        text = tasks.generic_text(self.r, SEQ - 1)
        ids = [BOS] + list(text.encode())[:SEQ - 1]
        return ids, [0] + [1] * (len(ids) - 1)

    def task(self, t, answer_only=False):
        p, a = tasks.train_example(t, self.r, self.held)
        return encode_example(p, a, answer_only)

    def mixed(self, n, task_share, task_list=tasks.TASKS, weights=None):
        rows = []
        for _ in range(n):
            if self.r.random() < task_share:
                rows.append(self.task(self.r.choices(task_list, weights)[0]))
            else:
                rows.append(self.generic())
        return rows


def lm_loss(model, rows):
    x, y, m = collate(rows)
    logits = model(x)
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none")
    return (ce * m.reshape(-1)).sum() / m.sum()


def dev_scores(model, splits):
    return {t: score(model, splits[t]["dev"])[0] for t in tasks.TASKS}


def train_base(model, stream, splits, log, cache=None):
    opt = torch.optim.AdamW(model.parameters(), lr=P1_LR, betas=(0.9, 0.95), weight_decay=0.1)
    t0 = time.time()
    resumed = bool(cache) and os.path.exists(cache)
    if resumed:  # same seed -> same weights; the cache only saves time
        state = torch.load(cache)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        stream.r.setstate(state["rng"])
    for step in range(0 if resumed else P1_STEPS):
        warm = min(1.0, (step + 1) / 100)
        for g in opt.param_groups:  # warmup, then cosine from P1_LR down to P2_LR
            cos = 0.5 * (1 + torch.cos(torch.tensor(step / P1_STEPS * 3.14159265)).item())
            g["lr"] = warm * (P2_LR + (P1_LR - P2_LR) * cos)
        loss = lm_loss(model, stream.mixed(BATCH, P1_TASK_SHARE, weights=BASE_TASK_WEIGHTS))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 250 == 0 or step == P1_STEPS - 1:
            print(f"base p1 step {step} loss {loss.item():.3f} ({time.time() - t0:.0f}s)", flush=True)
    if cache and not resumed:
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "rng": stream.r.getstate()}, cache)
    d = dev_scores(model, splits)
    print(f"base p1 done dev {d}", flush=True)
    log["base_phase1"] = {"steps": P1_STEPS, "seconds": round(time.time() - t0, 1), "dev": d}

    t0 = time.time()
    stop_step = 0 if max(d.values()) >= DEV_STOP else P2_MAX
    for step in range(stop_step):
        for g in opt.param_groups:
            g["lr"] = P2_LR * (1 - 0.9 * step / P2_MAX)
        loss = lm_loss(model, stream.mixed(BATCH, P2_TASK_SHARE, weights=BASE_TASK_WEIGHTS))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if (step + 1) % DEV_EVERY == 0:
            d = dev_scores(model, splits)
            print(f"base p2 step {step + 1} loss {loss.item():.3f} dev {d} ({time.time() - t0:.0f}s)", flush=True)
            if max(d.values()) >= DEV_STOP:  # FIELD-NOTES §7: stop on a dev threshold, reproducibly
                stop_step = step + 1
                break
    log["base_phase2"] = {"steps": stop_step, "seconds": round(time.time() - t0, 1), "dev": d}


def train_expert(base, skill, stream, splits, log):
    model = copy.deepcopy(base).train()
    for p in base.parameters():
        p.requires_grad_(False)
    frozen = model.frozen_names()
    params = []
    for n, p in model.named_parameters():
        p.requires_grad_(n not in frozen)
        if n not in frozen:
            params.append(p)
    opt = torch.optim.AdamW(params, lr=EX_LR, betas=(0.9, 0.95), weight_decay=0.0)
    others = [t for t in tasks.TASKS if t != skill]
    base.eval()
    t0, steps = time.time(), EX_MAX
    for step in range(EX_MAX):
        own = lm_loss(model, [stream.task(skill, answer_only=True) for _ in range(EX_BATCH)])
        # KL(base || expert) on the other skills and generic text, every position that has a target
        x, _, m = collate(stream.mixed(KL_BATCH, 0.75, others))
        with torch.no_grad():
            pb = F.log_softmax(base(x), -1)
        pe = F.log_softmax(model(x), -1)
        kl = ((pb.exp() * (pb - pe)).sum(-1) * m).sum() / m.sum()
        loss = own + KL_WEIGHT * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % DEV_EVERY == 0:
            acc = score(model.eval(), splits[skill]["dev"])[0]
            model.train()
            print(f"expert {skill} step {step + 1} loss {own.item():.3f} kl {kl.item():.4f} dev {acc:.2f}"
                  f" ({time.time() - t0:.0f}s)", flush=True)
            if acc >= EX_STOP:  # stop as soon as the skill is there: keeps the task vector small
                steps = step + 1
                break
    d = dev_scores(model.eval(), splits)
    print(f"expert {skill} dev {d} ({time.time() - t0:.0f}s)", flush=True)
    log[f"expert-{skill}"] = {"steps": steps, "seconds": round(time.time() - t0, 1), "dev": d}
    return model


def save(model, name):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    write_bf16(os.path.join(d, "model.safetensors"), hf_state_dict(model), {"format": "pt"})
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(hf_config(model.c), f, indent=2)
        f.write("\n")


def write_evals(splits):
    for t in tasks.TASKS:
        for split in ("validation", "test"):
            with open(os.path.join(ROOT, "evals", "data", f"toy-{t}.{split}.jsonl"), "w") as f:
                for p, a in splits[t][split]:
                    f.write(json.dumps({"prompt": p, "answer": a}) + "\n")


def load_committed(name):
    """The committed bf16 weights as a float32 ToyLlama: experts start from exactly these."""
    d = os.path.join(HERE, name)
    with open(os.path.join(d, "config.json")) as f:
        c = config_from_hf(json.load(f))
    return from_hf_state_dict(c, read(os.path.join(d, "model.safetensors")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; 1 because 2 threads on 2 cores shared with other jobs ran 12x slower")
    ap.add_argument("--phase1-cache", help="file to save/reuse the phase-1 base state (a time saver only)")
    ap.add_argument("--experts-only", action="store_true", help="reuse the committed base, retrain the experts")
    ap.add_argument("--skills", default=",".join(tasks.TASKS), help="which experts to train (comma-separated)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    splits, held = tasks.make_splits(args.seed)
    write_evals(splits)
    log_path = os.path.join(HERE, "train-log.json")
    log = {"seed": args.seed, "threads": args.threads}
    if args.experts_only and os.path.exists(log_path):
        with open(log_path) as f:
            log = {**json.load(f), **log}
    t_start = time.time()
    if not args.experts_only:
        base = ToyLlama(Config()).train()
        print(f"params {sum(p.numel() for p in base.parameters())}", flush=True)
        train_base(base, Stream(args.seed + 1, held), splits, log, args.phase1_cache)
        save(base, "base")
    base = load_committed("base")
    log["base_dev_bf16"] = dev_scores(base, splits)
    print(f"base (bf16) dev {log['base_dev_bf16']}", flush=True)
    for i, skill in enumerate(tasks.TASKS):
        if skill not in args.skills.split(","):
            continue
        torch.manual_seed(args.seed + 10 + i)
        save(train_expert(base, skill, Stream(args.seed + 10 + i, held), splits, log), f"expert-{skill}")
    log["total_seconds" if not args.experts_only else "experts_seconds"] = round(time.time() - t_start, 1)
    with open(log_path, "w") as f:
        json.dump(log, f, indent=2)
        f.write("\n")
    print(f"done in {round(time.time() - t_start, 1)}s", flush=True)


if __name__ == "__main__":
    main()
