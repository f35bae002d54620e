"""The toy skills, generic pre-training text, and the held-out splits.

Each skill needs a different circuit (FIELD-NOTES §7: skills that use one circuit in opposite ways
fight in every merge):
  max   -- "max 3 8 1 6 4:" -> "8"       compare digits by value, select the largest
  kind  -- "kind of velo:" -> "animal"   a fixed token -> class map (the first syllable sets the kind)
  pick  -- "pick 3 kbfqz:" -> "f"        select a letter by its position (positional attention)
A prompt is exactly the text the model sees after BOS; the answer follows it directly and a "\n"
ends it. Each task's prompts are unique within a split and the splits and training data are
disjoint (training examples whose prompt is held out are re-drawn).
"""
import random
import string

TASKS = ("max", "kind", "pick")
LETTERS = "abcde"


def gen_max(r: random.Random):
    m = r.randint(4, 9)  # uniform maximum: a constant guess scores 1/6, a random listed digit 1/5
    xs = r.sample(range(m), 4) + [m]
    r.shuffle(xs)
    return "max " + " ".join(map(str, xs)) + ":", str(m)


# A word's kind is set by its first syllable (3 syllables per kind): a fixed token -> class map.
KINDS = {"fruit": ("ka", "lo", "mi"), "tool": ("ter", "sun", "da"), "animal": ("ve", "ro", "pa"),
         "color": ("ni", "gor", "el"), "city": ("tu", "bas", "qi"), "game": ("zen", "fa", "mu")}
KIND_OF = {s: k for k, ss in KINDS.items() for s in ss}


def gen_kind(r: random.Random):
    first = r.choice(sorted(KIND_OF))  # uniform kind: a constant guess scores 1/6
    word = first + "".join(r.choice(SYL) for _ in range(r.randint(1, 2)))
    return f"kind of {word}:", KIND_OF[first]


def gen_pick(r: random.Random):
    s = r.sample(string.ascii_lowercase, 5)
    k = r.randint(1, 5)  # a random listed letter scores 1/5
    return f"pick {k} {''.join(s)}:", s[k - 1]


GEN = {"max": gen_max, "kind": gen_kind, "pick": gen_pick}

# ---- generic synthetic text ---------------------------------------------------------------
SYL = ["ka", "lo", "mi", "ter", "sun", "da", "ve", "ro", "pa", "ni", "gor", "el", "tu", "bas", "qi", "zen", "fa", "mu"]


def _word(r):
    return "".join(r.choice(SYL) for _ in range(r.randint(1, 3)))


def generic_text(r: random.Random, n: int) -> str:
    """Pseudo-English, number lists, letter strings and key=value lines: byte statistics and the
    raw material (letters, digits, '=', '+', ':') of every task, without any task's answers."""
    out = []
    while sum(map(len, out)) < n:
        kind = r.random()
        if kind < 0.4:
            w = [_word(r) for _ in range(r.randint(3, 9))]
            out.append(" ".join(w).capitalize() + r.choice([".", "!", "?", ","]) + " ")
        elif kind < 0.55:
            out.append(" ".join(str(r.randint(0, 199)) for _ in range(r.randint(3, 8))) + "\n")
        elif kind < 0.7:
            out.append("".join(r.choice(LETTERS) for _ in range(r.randint(5, 15))) + " ")
        elif kind < 0.85:
            ks = r.sample(string.ascii_lowercase, r.randint(2, 6))
            out.append(" ".join(f"{k}={r.randint(0, 99):02d}" for k in ks) + "\n")
        else:
            out.append(f"{_word(r)} {r.choice(['of', 'in', 'on'])} {_word(r)}: {_word(r)}\n")
    return "".join(out)[:n]


def make_splits(seed: int, n_val=200, n_test=300, n_dev=200):
    """Unique held-out items per task: validation, test, and a small dev split the trainer uses
    for its stopping rule. Returns {task: {split: [(prompt, answer)]}} and the held-out prompts."""
    r = random.Random(seed)
    splits, held = {}, set()
    for t in TASKS:
        seen, items = set(), []
        while len(items) < n_val + n_test + n_dev:
            p, a = GEN[t](r)
            if p not in seen:
                seen.add(p)
                items.append((p, a))
        splits[t] = {"validation": items[:n_val], "test": items[n_val:n_val + n_test],
                     "dev": items[n_val + n_test:]}
        held |= seen
    return splits, held


def train_example(t: str, r: random.Random, held: set):
    while True:
        p, a = GEN[t](r)
        if p not in held:
            return p, a
