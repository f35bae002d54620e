"""Scores the committed toy models and the task-arithmetic merge landscape between them.

Run after train.py (from the repository root; ~10 min on one shared core):
    OPENBLAS_NUM_THREADS=1 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
        /usr/bin/python3 examples/toy/grid.py

Everything is scored from the committed BF16 safetensors. A merge is
    base + sum_i w_i * (expert_i - base)      (task arithmetic, computed in float32)
rounded to BF16 like a merged checkpoint written by smelt. The grid is scored on the validation
split only; the merge with the best validation mean is then scored on the held-out test split
(choosing on test would overstate it: FIELD-NOTES §3, winner's curse). The uniform average is the
linear mean of the experts. Writes scores.json (per-item results) and grid.json.
"""
import argparse
import itertools
import json
import os
import time
import torch

import tasks
from evaluate import score
from safetensors_io import read
from toymodel import config_from_hf, from_hf_state_dict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXPERTS = [f"expert-{t}" for t in tasks.TASKS]


def load_items():
    out = {}
    for t in tasks.TASKS:
        out[t] = {}
        for split in ("validation", "test"):
            with open(os.path.join(ROOT, "evals", "data", f"toy-{t}.{split}.jsonl")) as f:
                out[t][split] = [(j["prompt"], j["answer"]) for j in map(json.loads, f)]
    return out


def load(name):
    d = os.path.join(HERE, name)
    with open(os.path.join(d, "config.json")) as f:
        cfg = config_from_hf(json.load(f))
    return cfg, read(os.path.join(d, "model.safetensors"))


def bf16(t):
    return t.to(torch.bfloat16).float()


def merged(base, experts, weights):
    return {k: bf16(base[k] + sum(w * (e[k] - base[k]) for w, e in zip(weights, experts))) for k in base}


def evaluate(cfg, sd, items, splits):
    model = from_hf_state_dict(cfg, sd)
    res = {}
    for t in tasks.TASKS:
        res[t] = {}
        for s in splits:
            acc, correct = score(model, items[t][s])
            res[t][s] = {"accuracy": acc, "correct": correct}
    return res


def mean(res, split):
    return sum(res[t][split]["accuracy"] for t in tasks.TASKS) / len(tasks.TASKS)


def row(label, res, split):
    cells = " ".join(f"{100 * res[t][split]['accuracy']:6.1f}" for t in tasks.TASKS)
    return f"{label:<34} {cells} {100 * mean(res, split):6.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--levels", default="0.4,0.6,0.8,1.0,1.2", help="per-expert weights of the grid")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    levels = [float(x) for x in args.levels.split(",")]
    items, t0 = load_items(), time.time()
    cfg, base = load("base")
    experts = [load(n)[1] for n in EXPERTS]
    both = ("validation", "test")
    header = f"{'model':<34} " + " ".join(f"{t:>6}" for t in tasks.TASKS) + "   mean"

    scores = {"base": evaluate(cfg, base, items, both)}
    for n, e in zip(EXPERTS, experts):
        scores[n] = evaluate(cfg, e, items, both)
    uniform = {k: bf16(sum(e[k] for e in experts) / len(experts)) for k in base}
    scores["merge:uniform-average"] = evaluate(cfg, uniform, items, both)

    grid = []
    for ws in itertools.product(levels, repeat=len(experts)):
        res = evaluate(cfg, merged(base, experts, ws), items, ("validation",))
        grid.append({"weights": list(ws), "validation": {t: res[t]["validation"]["accuracy"] for t in tasks.TASKS},
                     "validation_mean": mean(res, "validation")})
        print(row("ta " + "/".join(f"{w:.1f}" for w in ws), res, "validation"), flush=True)
    best = max(grid, key=lambda g: g["validation_mean"])
    label = "merge:task-arithmetic " + "/".join(f"{w:.1f}" for w in best["weights"])
    scores[label] = evaluate(cfg, merged(base, experts, best["weights"]), items, both)

    for split in both:
        print(f"\n{split} (exact match %, {len(items[tasks.TASKS[0]][split])} items per skill)\n{header}")
        for n, res in scores.items():
            print(row(n, res, split))
    print(f"\ngrid ({len(grid)} points, validation mean %), best {best['weights']}:")
    for g in sorted(grid, key=lambda g: -g["validation_mean"])[:10]:
        print(f"  {g['weights']}  {100 * g['validation_mean']:.1f}")
    print(f"\nscored in {time.time() - t0:.0f}s")
    with open(os.path.join(HERE, "scores.json"), "w") as f:
        json.dump(scores, f, separators=(",", ":"))
        f.write("\n")
    with open(os.path.join(HERE, "grid.json"), "w") as f:
        json.dump({"levels": levels, "skills": list(tasks.TASKS), "best": best, "grid": grid}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
