"""pytest tests of the Python package against the CLI. Takes the installed package (with its
bundled release), the in-tree binary ($HEALTHCLAIMS_TEST_CLI) and corpus/ ($HEALTHCLAIMS_TEST_CORPUS);
checks that the records are the CLI's (whatever the batch size), that bad input
gives error records and the batch goes on, that a dying process raises HealthclaimsError without
harming the interpreter or the next call, and that the DataFrames hold one row per item.
Run by tests/python/run.sh.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

import healthclaims
from healthclaims.tables import dumps

CLI = os.environ["HEALTHCLAIMS_TEST_CLI"]
CORPUS = Path(os.environ["HEALTHCLAIMS_TEST_CORPUS"])


def corpus_articles():
    """corpus/ as the Python API takes it: one dict per file (HTML as html, the rest as text),
    with dates and URLs on some, and bad articles among them."""
    out = []
    for i, p in enumerate(sorted(CORPUS.iterdir())):
        if p.suffix not in (".txt", ".md", ".html"):
            continue
        body = p.read_text(encoding="utf-8")
        a = {"id": p.stem, ("html" if p.suffix == ".html" else "text"): body}
        if i % 2 == 0:
            a["published"] = f"2026-{1 + i % 12:02d}-15"
            a["url"] = f"https://www.example{i % 3}.org/{p.stem}"
        out.append(a)
    bad = [
        {"id": "no-text", "url": "https://example.org/x"},  # no text or html
        {"id": "blank", "text": "   \n  "},  # empty after cleaning
        {"id": "number-text", "text": 42},  # text not a string
        17,  # not an object
        {"text": "Aspirin may prevent heart attacks, a study suggests."},  # no id: line-k
    ]
    return out[:4] + bad[:3] + out[4:] + bad[3:]


@pytest.fixture(scope="module")
def cli_records(tmp_path_factory):
    """The CLI's output lines for the same articles written as a JSONL file."""
    d = tmp_path_factory.mktemp("cli")
    src = d / "corpus.jsonl"
    src.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in corpus_articles()), encoding="utf-8")
    out = d / "out.jsonl"
    r = subprocess.run([CLI, "annotate", str(src), "-o", str(out), "-q"], capture_output=True, text=True)
    assert r.returncode == 1, r.stderr  # 1: some articles errored, the batch completed
    return str(src), out.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def hc():
    with healthclaims.Annotator() as a:
        yield a


def test_records_are_the_clis_for_any_batch_size(hc, cli_records):
    src, lines = cli_records
    want = [json.loads(l) for l in lines]
    arts = corpus_articles()
    assert len(want) == len(arts)
    got = list(hc.iter_annotate(iter(arts), source=src, batch_size=3))
    assert got == want
    # a second call on the same process numbers from 1 again; the batch size changes nothing
    again = hc.annotate(arts, source=src)
    assert again == want
    # and written back as JSON, they are the CLI's lines (the same order of fields and numbers)
    assert [dumps(r) for r in again] == lines


def test_bad_input_gives_error_records_and_the_batch_goes_on(hc):
    recs = hc.annotate([{"id": "a", "text": "Ibuprofen eases headaches."}, {"id": "b"}, None, {"id": "c", "text": ""},
                        {"id": "d", "text": "x" * 3000}, {"id": "e", "html": "<p>Statins may lower dementia risk.</p>"}],
                       source="mine")
    assert [r["status"] for r in recs] == ["ok", "error", "error", "error", "ok", "ok"]
    assert recs[1]["error"] == "JSONL line 2: needs a string field 'text' or 'html'"
    assert recs[2]["id"] == "line-3" and "not a JSON object" in recs[2]["error"]
    assert recs[3]["error"] == "empty article: no text after cleaning"
    assert [r["source"] for r in recs] == [f"mine:{k}" for k in range(1, 7)]


def test_too_large_article_is_an_error_record():
    with healthclaims.Annotator(max_bytes=100, no_model=True) as a:
        recs = a.annotate(["Aspirin helps. " * 20, "Aspirin helps."])
    assert recs[0]["status"] == "error" and "too large" in recs[0]["error"]
    assert recs[1]["status"] == "ok"


def test_a_string_and_a_dict_give_one_record(hc):
    r = hc.annotate("Metformin may reduce the risk of cancer, researchers said.")
    assert isinstance(r, dict) and r["schema"] == "healthclaims/1" and r["id"] == "line-1"
    assert any(e["label"] == "DRUG" and e["text"] == "Metformin" for e in r["entities"])
    r = hc.annotate({"id": 7, "text": "Aspirin prevents strokes.", "published": "2026-02-03"})
    assert r["id"] == "7" and r["meta"]["published"] == "2026-02-03"


def test_stopping_early_leaves_the_next_call_correct(hc):
    arts = [{"id": f"a{i}", "text": f"Aspirin {i} may help migraine."} for i in range(50)]
    it = hc.iter_annotate(arts, batch_size=4)
    first = next(it)
    it.close()  # the rest of its records are abandoned
    assert first["id"] == "a0"
    recs = hc.annotate(arts[:5])
    assert [r["id"] for r in recs] == ["a0", "a1", "a2", "a3", "a4"]


def test_an_exception_from_the_input_reaches_the_caller_after_what_was_sent(hc):
    def gen():
        yield {"id": "ok1", "text": "Aspirin helps."}
        raise KeyError("feed broke")

    got = []
    with pytest.raises(KeyError):
        for r in hc.iter_annotate(gen()):
            got.append(r["id"])
    assert got == ["ok1"]
    assert hc.annotate({"id": "after", "text": "Aspirin helps."})["id"] == "after"


def test_a_dying_process_raises_and_the_interpreter_lives_on(tmp_path):
    fake = tmp_path / "crashing-healthclaims"
    fake.write_text("#!/bin/sh\nread line\necho 'native failure: boom' >&2\nkill -SEGV $$\n")
    fake.chmod(0o755)
    a = healthclaims.Annotator(binary=str(fake))
    with pytest.raises(healthclaims.HealthclaimsError, match="boom"):
        a.annotate(["Aspirin helps."] * 3)
    # the next call starts a fresh process (which dies again, and says so)
    with pytest.raises(healthclaims.HealthclaimsError):
        a.annotate("Aspirin helps.")
    a.close()


def test_version_names_binary_model_and_lexicon(hc):
    v = hc.version().splitlines()
    assert v[0] == f"healthclaims {healthclaims.__version__}"
    assert v[1].startswith("model healthclaims-minilm ") and "_release/models/healthclaims-minilm" in v[1]
    assert v[2].startswith("lexicon ")


def test_frames_have_one_row_per_item(cli_records):
    pd = pytest.importorskip("pandas")
    _, lines = cli_records
    recs = [json.loads(l) for l in lines]
    f = healthclaims.to_frames(recs)
    assert set(f) == {"articles", "sentences", "entities", "claims", "quotes"}
    assert len(f["articles"]) == len(recs)
    for t in ("sentences", "entities", "claims", "quotes"):
        assert len(f[t]) == sum(len(r.get(t) or []) for r in recs), t
        assert list(f[t].columns) == [c for c, _ in healthclaims.SCHEMAS[t]]
        assert {"article_id", "published", "month", "source", "site"} <= set(f[t].columns)
    assert len(f["sentences"]) > 100 and len(f["claims"]) > 0
    s = f["sentences"].iloc[0]
    rec = recs[0]
    assert s["text"] == rec["text"][rec["sentences"][0]["start"]:rec["sentences"][0]["end"]]
    arts = f["articles"].set_index("article_id")
    assert arts.loc["no-text", "status"] == "error" and arts.loc["no-text", "n_sentences"] == 0
    dated = arts[arts["published"].notna()]
    assert (dated["month"] == dated["published"].str[:7]).all() and (arts[arts["published"].isna()]["month"] == "undated").all()
    assert isinstance(f["sentences"]["hedged"].dtype, pd.BooleanDtype)


def test_a_second_stream_in_the_same_thread_is_refused_not_a_deadlock(hc):
    it = hc.iter_annotate(["Aspirin helps.", "Ibuprofen helps."])
    assert next(it)["status"] == "ok"
    with pytest.raises(healthclaims.HealthclaimsError, match="already streaming"):
        hc.annotate("Statins help.")
    assert [r["id"] for r in it] == ["line-2"]
    assert hc.annotate("Statins help.")["status"] == "ok"
