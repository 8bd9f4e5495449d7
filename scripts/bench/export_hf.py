#!/usr/bin/env python3
"""Export a healthclaims model folder as a Hugging Face `BertForTokenClassification` folder.

Takes a healthclaims model folder (model.safetensors in fp16 with HF BERT names without the
`bert.` prefix plus `heads.{entity,cue,hedged,claim}.*`, config.json, tokenizer.json, heads.json)
and writes, into OUT:
  config.json            HF BertConfig + BertForTokenClassification, id2label/label2id (entity tags)
  model.safetensors      fp32; `bert.` + encoder names, entity head as `classifier.weight/bias`
  heads.safetensors      fp32; all four heads under their healthclaims names (for the batched
                         reference in run.py, which runs the encoder once and every head on it)
  tokenizer.json         the shipped tokenizer with its fixed 128 padding/truncation removed
                         (what the Rust side does at load)
  tokenizer_config.json, special_tokens_map.json   so AutoTokenizer / pipeline() load it offline
  heads.json             copied
Needs torch and safetensors (the bench venv).

    python scripts/bench/export_hf.py models/healthclaims-minilm target/bench/hf-model
"""

import json
import shutil
import sys
from pathlib import Path


def export(src: Path, out: Path) -> Path:
    from safetensors.torch import load_file, save_file

    heads = json.loads((src / "heads.json").read_text())
    entity_tags = heads["entity_tags"]
    weights = load_file(str(src / "model.safetensors"))
    model, extra = {}, {}
    for name, t in weights.items():
        t = t.float().contiguous()
        if name == "embeddings.lexicon.weight":
            # healthclaims' gazetteer-tag embedding: HF BERT has no such input, and the Python
            # references match no gazetteer, so they run the encoder without it (one add of a
            # looked-up vector per piece: no measurable compute).
            extra[name] = t
        elif name.startswith("heads."):
            extra[name] = t
            if name.startswith("heads.entity."):
                model["classifier." + name.rsplit(".", 1)[1]] = t
        elif name.startswith(("embeddings.", "encoder.")):
            model["bert." + name] = t
        elif name.startswith("pooler."):
            continue  # the token classifier has no pooler
        else:
            raise SystemExit(f"export_hf: unexpected tensor {name!r} in {src}/model.safetensors")
    missing = {"classifier.weight", "classifier.bias", "bert.embeddings.word_embeddings.weight"} - model.keys()
    if missing:
        raise SystemExit(f"export_hf: {src} lacks {sorted(missing)}")
    if int(model["classifier.weight"].shape[0]) != len(entity_tags):
        raise SystemExit("export_hf: entity head size does not match heads.json entity_tags")

    out.mkdir(parents=True, exist_ok=True)
    save_file(model, str(out / "model.safetensors"), metadata={"format": "pt"})
    save_file(extra, str(out / "heads.safetensors"), metadata={"format": "pt"})

    config = json.loads((src / "config.json").read_text())
    config.update(
        architectures=["BertForTokenClassification"],
        id2label={str(i): t for i, t in enumerate(entity_tags)},
        label2id={t: i for i, t in enumerate(entity_tags)},
        torch_dtype="float32",
    )
    config.pop("_name_or_path", None)
    (out / "config.json").write_text(json.dumps(config, indent=2))

    tok = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    tok["truncation"] = None
    tok["padding"] = None
    (out / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False), encoding="utf-8")
    lower = bool((tok.get("normalizer") or {}).get("lowercase", True))
    special = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}
    (out / "special_tokens_map.json").write_text(json.dumps(special, indent=2))
    (out / "tokenizer_config.json").write_text(
        json.dumps(
            dict(
                tokenizer_class="BertTokenizerFast",
                do_lower_case=lower,
                model_max_length=int(config.get("max_position_embeddings", 512)),
                clean_up_tokenization_spaces=True,
                **special,
            ),
            indent=2,
        )
    )
    shutil.copyfile(src / "heads.json", out / "heads.json")
    return out


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = export(Path(argv[1]), Path(argv[2]))
    print(f"export_hf: wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
