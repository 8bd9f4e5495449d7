"""In-domain masked-language-model pre-training of the base encoder, for the Yu 2019 reference:
does a pass of MLM over the training splits' own text help claim strength before fine-tuning?
(models/MODEL_CARD.md: it does not, 0.821 / 0.818 against 0.830 / 0.819.) Not a test; about
22 minutes per epoch on 2 cores.

    .venv-bench/bin/python scripts/mlm_reference.py --out /tmp/encoder-mlm
    .venv-bench/bin/python scripts/yu_reference.py --encoder /tmp/encoder-mlm --seed 1

Text: BC5CDR training and development abstracts, NCBI-disease training and development
abstracts (split into sentences at ". " before a capital), BioScope's non-test sentences and Yu
2019's training four fifths; no test split is read. BERT masking (15 % of pieces: 80 % [MASK],
10 % random, 10 % kept), a freshly initialised prediction transform tied to the word embeddings,
AdamW lr 5e-5, 6 % warm-up then linear decay, batches of 32. Writes the encoder (without the MLM
head) and the tokenizer to --out.
"""

import argparse
import csv
import json
import random
import re
import shutil
import time

import torch
from transformers import AutoTokenizer, BertForMaskedLM

from yu_reference import fnv


def texts(data):
    split = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")
    out = []
    for f in ("bc5cdr/pubtator/CDR_TrainingSet.PubTator.txt", "bc5cdr/pubtator/CDR_DevelopmentSet.PubTator.txt",
              "ncbi-disease/original/NCBItrainset_corpus.txt", "ncbi-disease/original/NCBIdevelopset_corpus.txt"):
        with open(f"{data}/{f}", encoding="utf-8") as fh:
            for line in fh:
                p = line.rstrip("\n").split("|", 2)
                if len(p) == 3 and p[1] in ("t", "a"):
                    out += [s for s in split.split(p[2]) if len(s) > 20]
    with open(f"{data}/bioscope/bioscope_sentences.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["suggested_split"] != "test":
                out.append(d["text"])
    with open(f"{data}/causal-language-yu2019/pubmed_causal_language_use.csv", newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) >= 2 and row[1].strip() in ("0", "1", "2", "3") and fnv(row[0]) % 5 != 0:
                out.append(row[0])
    return sorted(set(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--encoder", default=".cache/encoder", help="the base encoder folder (scripts/setup.sh --train)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=float, default=1)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()

    corpus = texts(a.data)
    print(f"{len(corpus)} sentences", flush=True)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(a.threads)
    tok = AutoTokenizer.from_pretrained(a.encoder)
    model = BertForMaskedLM.from_pretrained(a.encoder)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    batch = 32
    steps = int(len(corpus) / batch * a.epochs)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / (steps - warm)))
    model.train()
    step, started, avg = 0, time.time(), 0.0
    while step < steps:
        random.shuffle(corpus)
        for i in range(0, len(corpus), batch):
            if step >= steps:
                break
            b = tok(corpus[i:i + batch], padding=True, truncation=True, max_length=128, return_tensors="pt")
            ids = b["input_ids"].clone()
            special = (ids == tok.cls_token_id) | (ids == tok.sep_token_id) | (ids == tok.pad_token_id)
            masked = (torch.rand(ids.shape) < 0.15) & ~special
            gold = ids[masked]
            r = torch.rand(ids.shape)
            ids[masked & (r < 0.8)] = tok.mask_token_id
            swap = masked & (r >= 0.8) & (r < 0.9)
            ids[swap] = torch.randint(len(tok), ids.shape)[swap]
            hidden = model.bert(input_ids=ids, attention_mask=b["attention_mask"]).last_hidden_state
            loss = torch.nn.functional.cross_entropy(model.cls(hidden[masked]), gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            avg = loss.item() if step == 1 else 0.98 * avg + 0.02 * loss.item()
            if step % 100 == 0 or step == steps:
                print(f"step {step}/{steps} MLM loss {avg:.3f} ({time.time() - started:.0f} s)", flush=True)
    model.bert.save_pretrained(a.out, safe_serialization=True)
    for f in ("tokenizer.json", "vocab.txt"):
        shutil.copy(f"{a.encoder}/{f}", a.out)
    print(f"encoder written to {a.out}")


if __name__ == "__main__":
    main()
