"""Reference for the Yu 2019 claim-strength target: the plain encoder (all-MiniLM-L6-v2, the base
`healthclaims train` starts from) fine-tuned on Yu 2019 alone, in Python, and scored on the same
held-out fifth as `healthclaims eval` (FNV-1a hash of the sentence, divisible by 5). It tells how
much of the gap to the target is the encoder's: the multi-task model is compared against it in
models/MODEL_CARD.md. Not a test; about 4 minutes per run on 2 cores.

    scripts/bench.sh --help >/dev/null   # first time only: creates .venv-bench (torch, transformers)
    .venv-bench/bin/python scripts/yu_reference.py [--head linear|mlp] [--seed 1] [--epochs 3]
        [--fold 0-4] [--wright] [--encoder DIR]

Same loss as `healthclaims train` (class weights (largest / count)^0.5, AdamW, lr 1e-4, 6 % warm-up
then linear decay, mean-pooled sentence vector); batches of 16 in shuffled order. Prints macro-F1
and per-class F1 after every epoch.
"""

import argparse
import csv
import random
import time

import torch
from transformers import AutoModel, AutoTokenizer

# Yu 2019's label codes, in the order of `healthclaims` CLAIM_LABELS
LABELS = {"0": 0, "3": 1, "2": 2, "1": 3}
NAMES = ["none", "correlational", "conditional_causal", "direct_causal"]


def fnv(s: str) -> int:
    h = 0xCBF29CE484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def load(path, fold=0):
    """Fold 0 is `healthclaims eval`'s held-out fifth; 1-4 are the other fifths of the same hash."""
    train, test = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) >= 2 and row[1].strip() in LABELS:
                (test if fnv(row[0]) % 5 == fold else train).append((row[0], LABELS[row[1].strip()]))
    return train, test


def wright(folder):
    """Both conclusions of every pair, from both files: strengths 0-3 are none, correlational,
    conditional causal, direct causal (the order of NAMES)."""
    import json
    out = []
    for name in ("insciout_train.jsonl", "insciout_test.jsonl"):
        with open(f"{folder}/{name}", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                for k in ("press_release", "abstract"):
                    out.append((d[k + "_conclusion"], int(d[k + "_strength"])))
    return out


def macro_f1(pred, gold):
    f1 = []
    for c in range(len(NAMES)):
        tp = sum(p == c and g == c for p, g in zip(pred, gold))
        fp = sum(p == c and g != c for p, g in zip(pred, gold))
        fn = sum(p != c and g == c for p, g in zip(pred, gold))
        f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1) / len(f1), f1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data/causal-language-yu2019/pubmed_causal_language_use.csv")
    ap.add_argument("--encoder", default=".cache/encoder", help="the base encoder folder (scripts/setup.sh --train)")
    ap.add_argument("--head", choices=["linear", "mlp"], default="linear",
                    help="linear: one layer on the pooled vector; mlp: dropout, 384 tanh units, dropout, output")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=float, default=3)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fold", type=int, choices=range(5), default=0,
                    help="which fifth to hold out (0: the one `healthclaims eval` scores; 5-fold: run 0-4)")
    ap.add_argument("--wright", action="store_true",
                    help="also train on the press-release and abstract conclusions of Wright & Augenstein 2021")
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(a.threads)
    train, test = load(a.data, a.fold)
    if a.wright:
        extra = wright(a.data.replace("causal-language-yu2019/pubmed_causal_language_use.csv", "exaggeration-wright2021"))
        print(f"Wright 2021: {len(extra)} sentences added to training")
        train += extra
    print(f"Yu 2019: {len(train)} training sentences, {len(test)} held out")
    tok = AutoTokenizer.from_pretrained(a.encoder)
    enc = AutoModel.from_pretrained(a.encoder)
    h = enc.config.hidden_size
    if a.head == "linear":
        head = torch.nn.Linear(h, len(NAMES))
    else:
        head = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(h, h), torch.nn.Tanh(),
                                   torch.nn.Dropout(0.1), torch.nn.Linear(h, len(NAMES)))

    def forward(texts):
        b = tok(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
        hidden = enc(**b).last_hidden_state
        m = b["attention_mask"].unsqueeze(-1).float()
        return head((hidden * m).sum(1) / m.sum(1))

    def evaluate():
        enc.eval(), head.eval()
        pred = []
        with torch.no_grad():
            for i in range(0, len(test), 64):
                pred += forward([t for t, _ in test[i:i + 64]]).argmax(-1).tolist()
        enc.train(), head.train()
        return macro_f1(pred, [g for _, g in test])

    counts = [sum(g == c for _, g in train) for c in range(len(NAMES))]
    weight = torch.tensor([(max(counts) / n) ** 0.5 for n in counts], dtype=torch.float)
    opt = torch.optim.AdamW(list(enc.parameters()) + list(head.parameters()), lr=a.lr, weight_decay=0.01)
    batch = 16
    per_epoch = len(train) // batch
    steps = int(per_epoch * a.epochs)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / (steps - warm)))
    started, step = time.time(), 0
    while step < steps:
        random.shuffle(train)
        for i in range(0, len(train), batch):
            if step >= steps:
                break
            rows = train[i:i + batch]
            loss = torch.nn.functional.cross_entropy(
                forward([t for t, _ in rows]), torch.tensor([g for _, g in rows]), weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if step % per_epoch == 0 or step == steps:
                f, per_class = evaluate()
                classes = "  ".join(f"{n} {x:.3f}" for n, x in zip(NAMES, per_class))
                print(f"epoch {step / per_epoch:.1f} ({time.time() - started:.0f} s): macro-F1 {f:.3f}  {classes}", flush=True)


if __name__ == "__main__":
    main()
