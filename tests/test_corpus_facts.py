"""Every real export in ../shared/corpus read with bibtwin.read gives exactly the independently counted
facts of FACTS.json: records, records per year, records without year, DOIs, unique DOIs, citations.

One parametrized test for all files, so a new corpus file is checked as soon as it is listed in FACTS.
"""
import json
import os
from pathlib import Path

import pytest

import bibtwin

CORPUS = Path(os.environ.get("BIBTWIN_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
FILES = sorted(json.loads((CORPUS / "FACTS.json").read_text())) if (CORPUS / "FACTS.json").exists() else []

# Scopus prints nothing in "Cited by" for an uncited paper (the BibTeX of the same export says
# "cited By 0" for exactly those rows): we read 0, so every record has a count. FACTS' n_cited counts
# non-empty fields, hence the difference for these formats; the citation sums are equal.
EMPTY_MEANS_ZERO = {"scopus_csv", "scopus_ris"}
NO_COUNTS = {"medline", "pubmed_csv"}  # PubMed gives no citation counts: unknown, never 0


@pytest.mark.corpus
@pytest.mark.parametrize("rel", FILES or ["(corpus absent)"])
def test_reader_matches_facts(corpus, facts, rel):
    fact = facts[rel]
    loaded = bibtwin.load(corpus / rel)
    df = loaded.records
    fmt = loaded.report.format
    assert loaded.report.rejected == [], loaded.report.rejected[:3]
    assert fmt == fact["format"] or (fact["format"] == "ris" and fmt == "scopus_ris")
    assert df["record_id"].is_unique and not df["record_id"].str.contains(":h").any()  # native ids
    assert len(df) == fact["n_records"]
    years = df["year"].dropna().astype(int).value_counts().sort_index()
    assert {str(y): int(n) for y, n in years.items()} == fact["years"]
    assert int(df["year"].isna().sum()) == fact["n_no_year"]
    assert int(df["doi"].notna().sum()) == fact["n_doi"]
    assert df["doi"].dropna().nunique() == fact["n_unique_doi"]
    if fmt in NO_COUNTS:
        assert df["cited_by"].isna().all(), "PubMed has no citation counts: they must be NA, not 0"
        assert fact["cited_sum"] == 0 and fact["n_cited"] == 0
    elif fmt in EMPTY_MEANS_ZERO:
        assert df["cited_by"].notna().all()
        assert int((df["cited_by"] > 0).sum()) <= fact["n_cited"] <= len(df)
        assert int(df["cited_by"].sum()) == fact["cited_sum"]
    else:
        assert int(df["cited_by"].notna().sum()) == fact["n_cited"]
        assert int(df["cited_by"].sum()) == fact["cited_sum"]


@pytest.mark.corpus
def test_scopus_csv_and_bibtex_of_one_export_agree(corpus):
    """The UK Biobank export as CSV and as BibTeX: same DOI, year and citations for every record."""
    csv = bibtwin.read(corpus / "ukbiobank" / "scopus.csv").set_index("eid")
    bib = bibtwin.read(corpus / "ukbiobank" / "scopus.bib").set_index("eid")
    assert len(csv) == len(bib) == 558
    assert set(csv.index) == set(bib.index)
    bib = bib.loc[csv.index]
    for col in ("doi", "year", "cited_by"):
        mismatch = csv[col].fillna(-1).astype(str) != bib[col].fillna(-1).astype(str)
        assert not mismatch.any(), f"{col} differs for {list(csv.index[mismatch])[:5]}"
