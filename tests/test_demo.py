"""The synthetic demo corpus: determinism, proportions, truth that joins, readers that read it, and the
committed copy in data/raw/demo that must equal a fresh generation."""
from __future__ import annotations

import csv
import importlib.util
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from bibtwin.demo import FILE_NAMES, SCOPUS_COLUMNS, write_demo_corpus

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "data" / "raw" / "demo"
OUTPUTS = (*FILE_NAMES.values(), "truth.csv", "works_truth.csv")
FIELDS = {"cardiology", "oncology", "orthopaedics_musculoskeletal", "neurology", "pulmonology",
          "endocrinology_diabetes", "critical_care", "surgery", "radiology_imaging",
          "pharmacology_drug_development", "precision_medicine", "hospital_operations", "public_health",
          "infectious_disease_covid19", "mental_health", "rehabilitation_elderly_care"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo")
    return out, write_demo_corpus(out)


@pytest.fixture(scope="module")
def truth(demo) -> pd.DataFrame:
    return pd.read_csv(demo[0] / "truth.csv", dtype=str)


@pytest.fixture(scope="module")
def works(demo) -> pd.DataFrame:
    return pd.read_csv(demo[0] / "works_truth.csv", dtype={"work_key": str, "decoy_of": str})


def _native_ids(folder: Path) -> dict[str, list[str]]:
    """The identifiers each file carries, read with plain text tools (independent of bibtwin's readers)."""
    with open(folder / "scopus.csv", encoding="utf-8-sig", newline="") as fh:
        eids = [row["EID"] for row in csv.DictReader(fh)]
    pubmed = (folder / "pubmed.txt").read_text(encoding="utf-8")
    wos = (folder / "wos_savedrecs.txt").read_text(encoding="utf-8-sig")
    return {"scopus": eids, "pubmed": re.findall(r"^PMID- (\d+)$", pubmed, flags=re.M),
            "wos": re.findall(r"^UT (WOS:\d+)$", wos, flags=re.M)}


def test_same_seed_and_size_give_identical_bytes(demo, tmp_path):
    folder, _ = demo
    write_demo_corpus(tmp_path, n_records=1500)
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_another_seed_gives_another_corpus(demo, tmp_path):
    write_demo_corpus(tmp_path, seed=7)
    assert (tmp_path / "scopus.csv").read_bytes() != (demo[0] / "scopus.csv").read_bytes()


def test_counts_and_overlap_like_real_searches(demo, works):
    _, counts = demo
    assert counts["records"] == counts["scopus"] + counts["pubmed"] + counts["wos"] == 1500
    assert 900 <= counts["works"] <= 1000 and len(works) == counts["works"]
    dbs = works["databases"].str.split(";")
    share = {db: dbs.map(lambda d, db=db: db in d).mean() for db in ("scopus", "pubmed", "wos")}
    assert 0.60 <= share["scopus"] <= 0.75
    assert 0.40 <= share["pubmed"] <= 0.52
    assert 0.30 <= share["wos"] <= 0.42
    assert 0.30 <= (dbs.map(len) > 1).mean() <= 0.50


def test_every_truth_row_is_exactly_one_record(demo, truth):
    ids = _native_ids(demo[0])
    for db, found in ids.items():
        expected = truth.loc[truth["database"] == db, "native_id"].tolist()
        assert len(found) == len(set(found)) == demo[1][db]
        assert sorted(found) == sorted(expected)
    assert not truth.duplicated(["database", "native_id"]).any()
    # one record per database per work
    assert not truth.duplicated(["database", "work_key"]).any()


def test_truth_tables_agree(truth, works):
    per_work = truth.drop_duplicates("work_key").set_index("work_key")
    w = works.set_index("work_key")
    assert set(per_work.index) == set(w.index)
    assert (per_work["fields"] == w.loc[per_work.index, "fields"]).all()
    assert (per_work["year_true"].astype(int) == w.loc[per_work.index, "year"]).all()
    counted = truth.groupby("work_key")["database"].agg(lambda s: ";".join(sorted(s)))
    listed = w["databases"].str.split(";").map(lambda d: ";".join(sorted(d)))
    assert (counted == listed.loc[counted.index]).all()


def test_fields_years_and_decoys(works):
    labels = works["fields"].str.split(";")
    assert set(labels.explode()) <= FIELDS | {"unclassified"}
    assert labels.map(len).max() == 2
    assert 0.06 <= (works["fields"] == "unclassified").mean() <= 0.14
    assert len(set(labels.explode()) - {"unclassified"}) == 16
    years = works["year"]
    assert years.between(2014, 2025).all()
    assert (years <= 2017).mean() < 0.06 and (years >= 2020).mean() > 0.8
    assert years[works["fields"].str.contains("covid")].min() >= 2020
    decoys = works.dropna(subset=["decoy_of"]).set_index("work_key")
    assert 8 <= len(decoys) // 2 <= 14
    for key, row in decoys.iterrows():
        other = decoys.loc[row["decoy_of"]]
        assert other["decoy_of"] == key and row["title"] != other["title"]
    assert works["title"].nunique() >= 0.95 * len(works)


def test_scopus_layout(demo):
    raw = (demo[0] / "scopus.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf\"Authors\",\"Author full names\"")
    with open(demo[0] / "scopus.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == SCOPUS_COLUMNS and all(len(r) == len(SCOPUS_COLUMNS) for r in rows)
    body = raw.decode("utf-8-sig").split("\n", 1)[1]
    assert all(line.startswith('"') and line.endswith('"') for line in body.splitlines())
    table = pd.DataFrame(rows[1:], columns=rows[0])
    assert (table["Cited by"] == "").any() and not (table["Cited by"] == "0").any()
    assert (table["Abstract"] == "[No abstract available]").any()
    assert table["Link"].str.contains(r"eid=2-s2\.0-\d+&").all()
    assert table["Authors"].str.contains(r"[À-ž]").any() and table["Authors"].str.contains(r"\w-\w").any()


def test_medline_and_wos_layout(demo):
    medline = (demo[0] / "pubmed.txt").read_text(encoding="utf-8")
    assert medline.startswith("PMID- ") and "\n\nPMID- " in medline
    lines = medline.splitlines()
    assert max(len(line) for line in lines) <= 82
    assert any(line.startswith("      ") for line in lines)
    assert re.search(r"^MH  - \*?[A-Z][^\n]*/\*", medline, flags=re.M)
    assert re.search(r"^DP  - 20\d\d [A-Z][a-z]{2} \d{1,2}$", medline, flags=re.M)
    wos = (demo[0] / "wos_savedrecs.txt").read_bytes()
    assert wos.startswith(b"\xef\xbb\xbfFN Clarivate Analytics Web of Science\nVR 1.0\nPT ")
    assert wos.endswith(b"\nER\n\nEF")
    text = wos.decode("utf-8-sig")
    assert "Peoples R China." in text and " USA." in text and "England." in text
    assert re.search(r"^EA [A-Z]{3} \d{4}$", text, flags=re.M)


def test_quirks_between_copies_of_one_work(demo, truth):
    """Copies of one work disagree the way real databases do: DOI missing or in another case, year."""
    folder = demo[0]
    with open(folder / "scopus.csv", encoding="utf-8-sig", newline="") as fh:
        scopus = pd.DataFrame(list(csv.DictReader(fh)))[["EID", "DOI", "Year", "Title"]]
    scopus = scopus.merge(truth[truth["database"] == "scopus"], left_on="EID", right_on="native_id")
    wos_text = (folder / "wos_savedrecs.txt").read_text(encoding="utf-8-sig")
    wos = pd.DataFrame(
        [{"native_id": re.search(r"^UT (.*)$", rec, re.M).group(1),
          "DI": (re.search(r"^DI (.*)$", rec, re.M) or [None, ""])[1]}
         for rec in wos_text.split("\nER\n") if "\nUT " in rec])
    wos = wos.merge(truth[truth["database"] == "wos"], on="native_id")
    both = scopus.merge(wos, on="work_key")
    have = (both["DOI"] != "") & (both["DI"] != "")
    missing_one = (both["DOI"] == "") != (both["DI"] == "")
    assert 0.04 <= missing_one.mean() <= 0.25
    assert ((both["DOI"] != both["DI"]) & (both["DOI"].str.lower() == both["DI"].str.lower()) & have).any()
    shifted = (scopus["Year"].astype(int) != scopus["year_true"].astype(int)).mean()
    assert 0.005 <= shifted <= 0.10


# ------------------------------------------------------------------------------------ with the readers

def _reader(name: str) -> bool:
    return importlib.util.find_spec(f"bibtwin.readers.{name}") is not None


@pytest.mark.parametrize("name, module, database", [
    ("scopus.csv", "delimited", "scopus"),
    ("pubmed.txt", "medline", "pubmed"),
    ("wos_savedrecs.txt", "wos_plain", "wos"),
])
def test_readers_read_every_record_and_ids_join_truth(demo, truth, name, module, database):
    if not _reader(module):
        pytest.skip(f"reader bibtwin.readers.{module} not written yet")
    import bibtwin
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a rejected record would warn
        loaded = bibtwin.load(demo[0] / name)
    assert loaded.report.records_read == demo[1][database] == len(loaded.records)
    assert loaded.report.rejected == []
    expected = truth.loc[truth["database"] == database, "native_id"]
    assert sorted(loaded.records["record_id"]) == sorted(database + ":" + expected)
    records = loaded.records
    assert records["title"].notna().all()
    assert records["year"].notna().mean() > 0.98
    assert records["authors"].list.len().min() >= 1
    assert records["countries"].list.len().gt(0).mean() > 0.95
    assert records["countries"].explode().nunique() >= 30


# -------------------------------------------------------------------------------- the committed corpus

def test_committed_demo_corpus_equals_a_fresh_generation(demo):
    if not COMMITTED.exists():
        pytest.skip(f"{COMMITTED} not generated yet")
    for name in OUTPUTS:
        assert (COMMITTED / name).read_bytes() == (demo[0] / name).read_bytes(), (
            f"{COMMITTED / name} differs from bibtwin.demo's output: regenerate it with "
            "`python -c \"from bibtwin.demo import write_demo_corpus; write_demo_corpus('data/raw/demo')\"`")
    readme = (COMMITTED / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme
    assert sum((COMMITTED / n).stat().st_size for n in OUTPUTS) < 5_000_000


def test_small_and_odd_sizes(tmp_path):
    for n in (1, 2, 3, 37):
        counts = write_demo_corpus(tmp_path / str(n), n_records=n, seed=n)
        assert counts["scopus"] + counts["pubmed"] + counts["wos"] == n
        ids = _native_ids(tmp_path / str(n))
        assert {db: len(v) for db, v in ids.items()} == {db: counts[db] for db in ids}
    with pytest.raises(ValueError):
        write_demo_corpus(tmp_path / "none", n_records=0)


def test_committed_demo_decisions_equal_a_fresh_generation(tmp_path):
    """data/screening/demo-decisions.csv (synthetic) is what write_demo_decisions makes from the demo
    corpus, so the demo PRISMA diagram is complete and never drifts from the code."""
    from bibtwin.demo import write_demo_decisions
    from bibtwin.paths import DEMO_RAW, SCREENING
    fresh = tmp_path / "decisions.csv"
    write_demo_decisions(DEMO_RAW, fresh)
    assert fresh.read_bytes() == (SCREENING / "demo-decisions.csv").read_bytes()
